"""Featured courses on the home page.

`home` sits beneath `courses`, so it cannot import it; `courses` registers the function that
lists featured courses when its app is ready.
"""

from collections.abc import Callable

_provider: Callable | None = None


def register_featured_provider(provider: Callable) -> None:
    global _provider
    _provider = provider


def featured_courses(home_page) -> list:
    return list(_provider(home_page)) if _provider else []
