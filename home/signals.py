from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from home.context_processors import site_settings_cache_key
from home.models import SiteSettings


@receiver(post_save, sender=SiteSettings)
def _site_settings_saved(sender, instance, **kwargs):
    cache.delete(site_settings_cache_key(instance.site_id))
