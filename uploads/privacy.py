"""The privacy registry (privacy.registry): what uploads keeps about people."""

from privacy.registry import register_no_personal_data
from uploads.models import ScannedUpload

register_no_personal_data(
    ScannedUpload,
    "scan records of stored files (name, hash, verdict); no link to a person: the uploader is on "
    "the object that owns the file, and a record goes with that object (infected ones stay as evidence)",
)
