"""Reads about a user's second factor. `mfa_state` runs on every signed-in request: it is cached."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from mfa.models import BackupCodeDevice


@dataclass(frozen=True)
class MFAState:
    has_device: bool  # any confirmed device (authenticator app or backup codes): a code is asked at sign-in
    has_totp: bool  # a confirmed authenticator app
    required: bool  # a staff role, Django staff or superuser: MFA is mandatory

    @property
    def enrollment_needed(self) -> bool:
        return self.required and not self.has_totp


def mfa_state_cache_key(user_id: int) -> str:
    return f"mfa-state:{user_id}"


def mfa_device_cache_key(persistent_id: str) -> str:
    return f"mfa-device:{persistent_id}"


def mfa_required_for(user) -> bool:
    """MFA is mandatory for the staff roles (Instructor, Mentor, Administrator, Corporate
    Representative), Django staff and superusers; learners may opt in."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=roles.STAFF_ROLES).exists()


def mfa_state(user) -> MFAState:
    """The user's MFA state, cached; dropped when their devices, groups or staff flags change (mfa.signals)."""
    key = mfa_state_cache_key(user.pk)
    cached = cache.get(key)
    if cached is not None:
        return MFAState(**cached)
    has_totp = TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
    has_device = has_totp or any(True for _ in devices_for_user(user, confirmed=True))
    state = MFAState(has_device=has_device, has_totp=has_totp, required=mfa_required_for(user))
    cache.set(key, asdict(state), timeout=settings.MFA_STATE_CACHE_TIMEOUT)
    return state


def totp_devices_for(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("created_at", "pk")


def totp_device_pending_for(user) -> TOTPDevice | None:
    """The authenticator app being set up (created, not yet confirmed with a code)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()


def backup_device_for(user) -> BackupCodeDevice | None:
    return BackupCodeDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_codes_left(user) -> int:
    device = backup_device_for(user)
    return device.codes.count() if device is not None else 0
