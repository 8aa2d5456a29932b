from django.core.cache import cache
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from accounts.models import User
from accounts.selectors import admin_access_cache_key


@receiver(m2m_changed, sender=User.groups.through)
def _user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # reverse: a group's member list changed (pk_set holds user ids); else one user's groups did.
    user_ids = list(pk_set or []) if reverse else [instance.pk]
    cache.delete_many([admin_access_cache_key(user_id) for user_id in user_ids])
