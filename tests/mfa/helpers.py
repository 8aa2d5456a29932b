"""Helpers for tests that sign in with MFA: current codes from a device, a verified session."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.selectors import mfa_required_for, totp_devices_for


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the authenticator app shows now (or `offset_steps` 30-second windows later or earlier)."""
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    generator.time = time.time() + offset_steps * device.step
    return f"{generator.token():0{device.digits}d}"


def totp_code_unused(device: TOTPDevice) -> str:
    """A code the device has not accepted yet: waits (at most one 30-second window) for the next
    time step when the current one was already used, as a person waits for the app's next code."""
    device.refresh_from_db()
    generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    while generator.t() <= device.last_t:
        time.sleep(0.5)
    return f"{generator.token():0{device.digits}d}"


def totp_device_confirmed(user, *, name: str = "Test authenticator") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def session_mark_verified(client, user) -> None:
    """Mark the client's session as having passed the second factor (see tests/conftest.py)."""
    device = totp_devices_for(user).first()
    if device is None:
        if not mfa_required_for(user):
            return  # a learner without MFA: the password step is all there is
        device = totp_device_confirmed(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
