"""Backup codes: a django-otp device whose one-time codes are stored as keyed hashes.

django-otp's own StaticDevice keeps its tokens in plain text; a database dump would hand
them out. Here each code is kept as HMAC-SHA256(SECRET_KEY, code): the codes are random
(about 50 bits), so a hash cannot be reversed without the key, and lookup is one indexed query.
"""

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

HASH_SALT = "mfa.backup_code"


def backup_code_normalize(code: str) -> str:
    """Codes are shown as `xxxxx-xxxxx`; case, spaces and hyphens do not matter when typed."""
    return "".join(code.split()).replace("-", "").lower()


def backup_code_hashes(code: str) -> list[str]:
    """The code's hash under the current secret key and under each fallback key (key rotation)."""
    value = backup_code_normalize(code)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac(HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest() for secret in secrets]


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One per user: a set of one-time backup codes. Each code is deleted when it is used."""

    class Meta(Device.Meta):
        verbose_name = "backup code set"

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(code_hash__in=backup_code_hashes(str(token))).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, related_name="codes", on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="mfa_backup_code_unique")]

    def __str__(self):
        return f"backup code #{self.pk}"
