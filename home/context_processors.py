"""Site-wide template context that costs no query per request."""

from django.core.cache import cache
from wagtail.models import Site

from home.models import SiteSettings

SITE_SETTINGS_CACHE_TIMEOUT = 3600


def site_settings_cache_key(site_id: int) -> str:
    return f"site-settings:{site_id}"


def site_settings(request):
    """`site_settings`: the SiteSettings of the current site, from the cache when possible."""
    site = Site.find_for_request(request)
    if site is None:
        return {"site_settings": SiteSettings()}
    key = site_settings_cache_key(site.pk)
    settings = cache.get(key)
    if settings is None:
        settings = SiteSettings.for_site(site)
        cache.set(key, settings, timeout=SITE_SETTINGS_CACHE_TIMEOUT)
    return {"site_settings": settings}
