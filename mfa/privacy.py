"""Second-factor devices in the privacy registry (privacy.registry).

Backup-code sets and their codes (keyed hashes) are deleted on erasure; the export says which
devices exist and how many codes are left, never a secret. django-otp's own TOTP and static
devices are in lms_site/privacy.py.
"""

from mfa.models import BackupCode, BackupCodeDevice
from privacy.registry import register


def backup_code_devices_export(user) -> list[dict]:
    return [
        {"name": device.name, "confirmed": device.confirmed, "codes_left": device.codes.count()}
        for device in BackupCodeDevice.objects.filter(user=user).order_by("pk")
    ]


register(BackupCodeDevice, user_path="user", export=backup_code_devices_export)
register(
    BackupCode,
    user_path="device__user",
    export=lambda user: {"count": BackupCode.objects.filter(device__user=user).count()},
)
