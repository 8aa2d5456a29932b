"""Settings of the mfa workstream (imported at the end of base.py).

django-otp provides the devices (TOTP authenticator apps; our own hashed backup codes in
mfa.models); mfa.middleware.MFARequiredMiddleware enforces the verify step and the mandatory
enrollment for staff on every surface.
"""

from lms_site.env import env, env_int

# Shown in the authenticator app next to the account name (otpauth:// issuer).
OTP_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="WCHI LMS")
# django-otp's exponential back-off after a wrong code: factor × 2^(failures-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = env_int("MFA_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# The Django admin's device pages never show a secret or a QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# How many backup codes a set holds (each works once).
MFA_BACKUP_CODE_COUNT = 10
# Seconds the per-user MFA state (has a device, MFA mandatory) stays cached; it is also
# dropped whenever devices, groups or staff flags change.
MFA_STATE_CACHE_TIMEOUT = 300
