"""Settings of the privacy workstream (imported at the end of base.py)."""

# --- field encryption ---
# AES-256-GCM keys of the encrypted model fields (privacy.fields, privacy.crypto):
# FIELD_ENCRYPTION_KEYS = "keyid:base64key,keyid:base64key" (32-byte keys; old keys stay listed
# until `manage.py rotate_encryption_key --check` passes), FIELD_ENCRYPTION_ACTIVE_KEY = the key
# id that seals new values. Empty here: dev and test set fixed keys, production refuses to start.
from lms_site.env import env as _encryption_env

FIELD_ENCRYPTION_KEYS = _encryption_env("FIELD_ENCRYPTION_KEYS", default="")
FIELD_ENCRYPTION_ACTIVE_KEY = _encryption_env("FIELD_ENCRYPTION_ACTIVE_KEY", default="")

# --- export and erasure ---
# Data export (privacy.services): the download link of an archive works this many hours after
# it is built; archives live under PRIVACY_EXPORT_ROOT (empty: MEDIA_ROOT/privacy-exports,
# which no URL serves). Erasure happens ERASURE_GRACE_DAYS after the request (cancellable until
# then); each erased account's id is also appended to ERASURE_LEDGER_FILE (JSON lines; empty:
# the ledger table only), kept outside the database so `manage.py erasure_replay` still knows
# it after a restore of an older backup.
from lms_site.env import env as _privacy_env  # noqa: E402
from lms_site.env import env_int as _privacy_env_int  # noqa: E402

EXPORT_LINK_TTL_HOURS = _privacy_env_int("EXPORT_LINK_TTL_HOURS", default=72)
PRIVACY_EXPORT_ROOT = _privacy_env("PRIVACY_EXPORT_ROOT", default="")
ERASURE_GRACE_DAYS = _privacy_env_int("ERASURE_GRACE_DAYS", default=14)
ERASURE_LEDGER_FILE = _privacy_env("ERASURE_LEDGER_FILE", default="")
