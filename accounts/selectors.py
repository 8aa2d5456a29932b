"""Reads about users that pages need on every request, cached so they cost no query."""

from django.core.cache import cache

ADMIN_ACCESS_TIMEOUT = 300


def admin_access_cache_key(user_id: int) -> str:
    return f"user-admin-access:{user_id}"


def user_can_access_admin(user) -> bool:
    """Whether the user may open the Wagtail admin (so pages show them the Wagtail user bar).

    Cached per user for five minutes and dropped whenever their groups change.
    """
    if not user.is_authenticated:
        return False
    key = admin_access_cache_key(user.pk)
    allowed = cache.get(key)
    if allowed is None:
        allowed = user.has_perm("wagtailadmin.access_admin")
        cache.set(key, allowed, timeout=ADMIN_ACCESS_TIMEOUT)
    return allowed
