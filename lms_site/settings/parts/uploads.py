"""Settings of the uploads workstream (imported at the end of base.py).

What each feature accepts (uploads/), where held files wait (quarantine) and how the ClamAV
daemon is reached. The file types themselves (magic bytes, structural checks) are code:
uploads/types.py.
"""

from pathlib import Path

from lms_site.env import env, env_int

MiB = 1024 * 1024
_BASE_DIR = Path(__file__).resolve().parents[3]

# --- What each feature accepts ------------------------------------------------------------
# feature -> the file types it accepts (keys of uploads.types.FILE_TYPES), the largest file
# (bytes) and, optionally, a smaller limit per type. Later features (lab attachments, essays,
# avatars, SCORM packages) add their entry here and call uploads.services.upload_accept().
UPLOAD_DOCUMENT_MAX_BYTES = env_int("UPLOAD_DOCUMENT_MAX_MB", default=500) * MiB
UPLOAD_IMAGE_MAX_BYTES = env_int("UPLOAD_IMAGE_MAX_MB", default=10) * MiB
UPLOAD_POLICIES = {
    # Wagtail documents: lesson downloads and uploaded videos (the same list as WAGTAILDOCS_EXTENSIONS).
    "document": {
        "types": ["pdf", "txt", "md", "csv", "json", "zip", "pcap", "pcapng", "mp4", "webm"],
        "max_size": UPLOAD_DOCUMENT_MAX_BYTES,
        "type_max_size": {
            "pdf": 100 * MiB,
            "txt": 20 * MiB,
            "md": 20 * MiB,
            "csv": 50 * MiB,
            "json": 20 * MiB,
            "zip": 200 * MiB,
            "pcap": 200 * MiB,
            "pcapng": 200 * MiB,
        },
    },
    # Wagtail images (renditions are public under /media/images/). No SVG: it is a document
    # that can carry script, not a picture.
    "image": {
        "types": ["png", "jpeg", "gif", "webp"],
        "max_size": UPLOAD_IMAGE_MAX_BYTES,
        "max_pixels": 40_000_000,
    },
}
# Zip archives are checked from their central directory, without extracting anything.
UPLOAD_ZIP_LIMITS = {
    "max_entries": 1000,
    # The sum of the members' uncompressed sizes.
    "max_total_size": 500 * MiB,
    # Uncompressed / compressed, for a member (or the whole archive) past 1 MiB uncompressed.
    "max_ratio": 100,
    # A zip may hold zips (inspected the same way), which may not hold archives themselves.
    "max_depth": 1,
}

# Wagtail's own checks agree with the policies above (they also shape the admin's file picker).
WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_IMAGE_MAX_BYTES
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_DOCUMENT_MAX_BYTES
# Every admin upload of a document or image goes through the library (uploads/forms.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "uploads.forms.SafeDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "uploads.forms.SafeImageForm"

# --- Quarantine -----------------------------------------------------------------------------
# Files waiting for a scan (pending) and files found infected. Never served, and never inside
# MEDIA_ROOT (a system check refuses that): nginx and Django cannot reach it by any URL.
UPLOAD_QUARANTINE_ROOT = Path(env("UPLOAD_QUARANTINE_ROOT", default=str(_BASE_DIR / "quarantine")))

# --- ClamAV (clamd) -------------------------------------------------------------------------
# A unix socket (Debian's clamav-daemon: /run/clamav/clamd.ctl) unless CLAMD_HOST is set, then TCP.
CLAMD_SOCKET = env("CLAMD_SOCKET", default="/run/clamav/clamd.ctl")
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env_int("CLAMD_PORT", default=3310)
# Seconds to connect, and to wait for each reply while scanning during an upload. A scanner that
# is down or slower than this leaves the upload pending (held in quarantine, rescanned later).
CLAMD_CONNECT_TIMEOUT = env_int("CLAMD_CONNECT_TIMEOUT", default=3)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", default=30)
# The periodic rescan (uploads.rescan_pending) is not in a request: large videos get longer.
CLAMD_RESCAN_TIMEOUT = env_int("CLAMD_RESCAN_TIMEOUT", default=300)
# Pending uploads rescanned per beat run (every 5 minutes), oldest first.
UPLOAD_RESCAN_BATCH = env_int("UPLOAD_RESCAN_BATCH", default=50)
