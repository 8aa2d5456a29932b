"""CSV exports: cells a spreadsheet shows as text, streamed row by row."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell a spreadsheet shows as text: a leading formula character is escaped with a quote."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


class _EchoBuffer:
    """A file-like object whose write returns the text: csv.writer rows become stream chunks."""

    def write(self, value: str) -> str:
        return value


def csv_stream_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """Stream `rows` (already made safe with csv_safe) as a CSV attachment named `filename`."""
    writer = csv.writer(_EchoBuffer())
    return StreamingHttpResponse(
        (writer.writerow(row) for row in rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
