"""Why an upload was refused: a stable `code` for programs, a message for the uploader."""


class UploadRefused(Exception):
    """The file is not accepted (type, size, structure). Nothing of it was stored."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class UploadInfected(UploadRefused):
    """The virus scanner found malware. The bytes are kept in quarantine as evidence, never served."""

    def __init__(self, message: str, *, signature: str, scanned_upload_id: int):
        super().__init__(message, code="infected")
        self.signature = signature
        self.scanned_upload_id = scanned_upload_id
