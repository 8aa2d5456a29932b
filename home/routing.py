"""Page routing in one query.

Wagtail's default `route()` walks the tree one level at a time, two queries per level (the
child, then its specific object): a lesson four levels down costs eight queries before
anything renders. Every page stores its full `url_path`, so the page for a request path is
one lookup instead, and the (url_path -> page id, content type) map is kept in the cache so
the steady state is a single query for the specific page itself.

Cached entries are hints, never trusted: the page they name is re-checked against the
requested path, so a moved, renamed or deleted page just falls back to the database lookup.
Paths with no page (e.g. RoutablePageMixin sub-routes) fall back to Wagtail's own walk.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult

ROUTE_CACHE_TIMEOUT = 3600


def _route_key(url_path: str) -> str:
    return f"route:{url_path}"


class DirectRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = self._page_from_route_cache(url_path) or self._page_from_database(url_path)
        if page is None:
            return super().route(request, path_components)
        if not page.live:
            raise Http404
        return RouteResult(page)

    def _page_from_route_cache(self, url_path: str):
        hint = cache.get(_route_key(url_path))
        if hint is None:
            return None
        page_id, content_type_id = hint
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            return None
        page = model.objects.filter(pk=page_id).first()
        if page is None or page.url_path != url_path or not page.path.startswith(self.path):
            return None
        return page

    def _page_from_database(self, url_path: str):
        page = Page.objects.filter(url_path=url_path, path__startswith=self.path).only("id", "content_type_id").first()
        if page is None:
            return None
        cache.set(_route_key(url_path), (page.pk, page.content_type_id), timeout=ROUTE_CACHE_TIMEOUT)
        return page.specific
