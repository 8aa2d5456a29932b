"""Writes of the second factor: enroll an authenticator app, backup codes, verify a code, remove a device.

Every verification goes through `mfa_code_verify`, which locks the candidate devices
(select_for_update) so two requests cannot both spend the same code: a TOTP device remembers
the time step of the last accepted code (`last_t`) and refuses that step and earlier ones, a
backup code is deleted when it is used.
"""

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from mfa.models import BackupCode, BackupCodeDevice, backup_code_hashes
from mfa.selectors import backup_device_for, mfa_required_for, totp_device_pending_for, totp_devices_for

# No 0/o, 1/l/i: a code read off paper is typed correctly. 31 symbols × 10 ≈ 49.5 bits per code.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10
TOTP_CODE = re.compile(r"^\d{6,8}$")


class MFAError(Exception):
    """A second-factor rule said no; `code` is stable (shown by the API, tested)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class VerifyResult:
    device: Device | None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.device is not None


def _code_clean(code: str) -> str:
    return "".join(str(code or "").split())


def _candidate_devices(user, code: str, *, for_verify: bool):
    """A 6–8 digit code is tried against the authenticator apps, anything else against the backup codes."""
    if TOTP_CODE.match(code):
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk")
    else:
        devices = BackupCodeDevice.objects.devices_for_user(user, confirmed=True).order_by("pk")
    return devices.select_for_update() if for_verify else devices


def mfa_code_verify(*, user, code: str) -> VerifyResult:
    """The confirmed device that accepts `code` (and has now spent it), or none.

    `throttled` is true when every candidate device is in django-otp's back-off after
    successive failures (then even a right code is refused until the delay has passed).
    """
    code = _code_clean(code)
    if not code:
        return VerifyResult(None)
    with transaction.atomic():
        devices = list(_candidate_devices(user, code, for_verify=True))
        allowed = [device for device in devices if device.verify_is_allowed()[0]]
        for device in allowed:
            if device.verify_token(code):
                return VerifyResult(device)
    return VerifyResult(None, throttled=bool(devices) and not allowed)


def mfa_failure_record(*, user, request, reason: str = "invalid_code") -> None:
    """A wrong code counts like a wrong password: django-axes hears the same signal, and it is audited."""
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
    audit_record("mfa.verify.failure", actor=user, request=request, details={"reason": reason})


def mfa_session_verify(*, request, device: Device) -> None:
    """Mark the session as having passed the second factor, under a new session key (no fixation)."""
    otp_login(request, device)
    request.session.cycle_key()
    audit_record("mfa.verify.success", actor=request.user, target=device, request=request)


def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator app being set up: the pending one if there is one, else a new random secret.

    It does not count (no code is asked for it) until `totp_device_confirm` accepts a code from it.
    """
    device = totp_device_pending_for(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_device_confirm(*, user, device_id: int, code: str, request=None) -> TOTPDevice | None:
    """Confirm a pending authenticator app with a code it shows; None (and still pending) when the code is wrong."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None:
            raise MFAError("This authenticator app is not being set up any more. Start again.", code="mfa_no_pending")
        if not device.verify_token(_code_clean(code)):
            return None
        device.confirmed = True
        number = totp_devices_for(user).count() + 1
        device.name = "Authenticator app" if number == 1 else f"Authenticator app {number}"
        device.save(update_fields=["confirmed", "name"])
    audit_record("mfa.device.enroll", actor=user, target=device, request=request, details={"kind": "totp"})
    return device


def backup_code_new() -> str:
    raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def backup_codes_set(*, user, codes: list[str]) -> BackupCodeDevice:
    """Replace the user's backup codes with these (stored hashed); earlier codes stop working."""
    device = BackupCodeDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        device = BackupCodeDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    device.codes.all().delete()
    BackupCode.objects.bulk_create([BackupCode(device=device, code_hash=backup_code_hashes(code)[0]) for code in codes])
    device.throttle_reset()
    return device


def backup_codes_generate(*, user, request=None) -> list[str]:
    """New one-time backup codes (MFA_BACKUP_CODE_COUNT of them), returned once in clear, stored hashed.

    Only for a user with an authenticator app: the codes are the way back in when it is lost.
    """
    if not totp_devices_for(user).exists():
        raise MFAError("Set up an authenticator app before generating backup codes.", code="mfa_no_device")
    codes = [backup_code_new() for _ in range(settings.MFA_BACKUP_CODE_COUNT)]
    device = backup_codes_set(user=user, codes=codes)
    audit_record("mfa.backup_codes.generate", actor=user, target=device, request=request, details={"count": len(codes)})
    return codes


def totp_device_remove(*, user, device_id: int, code: str, request=None) -> Device:
    """Remove an authenticator app after checking a current code (from any of the user's devices).

    Staff keep at least one authenticator app (MFA is mandatory for them). When a learner
    removes their last one, their backup codes go too: MFA is then off.
    Returns the device that accepted the code (it may be the removed one).
    """
    device = totp_devices_for(user).filter(pk=device_id).first()
    if device is None:
        raise MFAError("No such authenticator app.", code="not_found")
    if mfa_required_for(user) and totp_devices_for(user).count() <= 1:
        raise MFAError(
            "Two-factor authentication is required for your role: add another authenticator app before removing this one.",
            code="mfa_last_device",
        )
    result = mfa_code_verify(user=user, code=code)
    if not result.ok:
        mfa_failure_record(user=user, request=request, reason="throttled" if result.throttled else "invalid_code")
        raise MFAError(
            "Too many attempts: wait a moment and try again." if result.throttled else "That code is not valid.",
            code="mfa_throttled" if result.throttled else "mfa_invalid",
        )
    with transaction.atomic():
        device.delete()
        if not totp_devices_for(user).exists():
            BackupCodeDevice.objects.filter(user=user).delete()
    audit_record("mfa.device.remove", actor=user, request=request, details={"kind": "totp", "device_id": device_id})
    return result.device


def mfa_session_device_keep(*, request) -> None:
    """After a removal, keep the session verified on a device that still exists (it did pass the second factor)."""
    device_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if device_id and Device.from_persistent_id(device_id) is not None:
        return
    remaining = totp_devices_for(request.user).first() or backup_device_for(request.user)
    if remaining is not None:
        otp_login(request, remaining)
    else:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)


def mfa_api_check(*, user, code: str, request=None) -> Device | None:
    """The second factor of the JWT endpoint, after the password: raises MFAError unless it is satisfied.

    - the user has a confirmed device: `code` must be a current TOTP code or an unused backup
      code (`mfa_required` when missing, `mfa_invalid` when wrong — counted like a wrong password);
    - MFA is mandatory for the user and they have no device: `mfa_enrollment_required`;
    - otherwise (a learner without MFA) nothing is asked.
    Read without the cache: this decides whether a token is issued.
    """
    if user_has_device(user, confirmed=True):
        if not _code_clean(code):
            raise MFAError("This account uses two-factor authentication: send `otp` as well.", code="mfa_required")
        result = mfa_code_verify(user=user, code=code)
        if not result.ok:
            mfa_failure_record(user=user, request=request, reason="throttled" if result.throttled else "invalid_code")
            raise MFAError("The one-time code is not valid (each code works once).", code="mfa_invalid")
        audit_record("mfa.verify.success", actor=user, target=result.device, request=request, details={"via": "api"})
        return result.device
    if mfa_required_for(user):
        raise MFAError(
            "Two-factor authentication is required for this account: set up an authenticator app on the site first.",
            code="mfa_enrollment_required",
        )
    return None
