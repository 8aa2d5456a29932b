"""Drop the cached MFA state (mfa.selectors.mfa_state) whenever what it is computed from changes."""

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device

from accounts.models import User
from mfa.selectors import mfa_device_cache_key, mfa_state, mfa_state_cache_key


def _forget(user_ids) -> None:
    cache.delete_many([mfa_state_cache_key(user_id) for user_id in user_ids if user_id is not None])


@receiver(post_save, dispatch_uid="mfa.device_saved")
@receiver(post_delete, dispatch_uid="mfa.device_deleted")
def _device_changed(sender, instance, **kwargs):
    if isinstance(instance, Device):
        _forget([instance.user_id])
        cache.delete(mfa_device_cache_key(instance.persistent_id))


@receiver(post_save, sender=User, dispatch_uid="mfa.user_saved")
def _user_saved(sender, instance, **kwargs):
    # is_staff / is_superuser make MFA mandatory.
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"is_staff", "is_superuser"} & set(update_fields):
        return
    _forget([instance.pk])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="mfa.user_groups_changed")
def _user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    # reverse: a group's member list changed (pk_set holds user ids); else one user's groups did.
    _forget(list(pk_set or []) if reverse else [instance.pk])


@receiver(user_logged_in, dispatch_uid="mfa.warm_state_at_login")
def _warm_state_at_login(sender, user, **kwargs):
    # Sign-in pays for the state (a few queries) so that the pages after it read it from the cache.
    mfa_state(user)
