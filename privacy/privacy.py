"""The privacy app's own models in the registry."""

from privacy.models import ErasureLedgerEntry, ErasureRequest, ExportRequest
from privacy.registry import keep, register, register_no_personal_data, row_values

register(
    ExportRequest,
    user_path="user",
    # Earlier archives are not put inside a new one; erasure deletes them (rows and files).
    export=lambda user: [
        row_values(row, exclude=["user", "archive"]) for row in ExportRequest.objects.filter(user=user)
    ],
    export_files=False,
)
register(
    ErasureRequest,
    user_path="user",
    erase=keep("the request is the record that the erasure was asked for and done: dates only, nothing personal"),
)
register_no_personal_data(
    ErasureLedgerEntry,
    "an erased account's id and the dates of its erasure, nothing that identifies the person: kept so a "
    "restore can replay the erasure",
)
