"""Lesson videos and documents, served only to people allowed to see a lesson that uses them.

Every Wagtail document URL (`document.url`, the admin's links) reverses `wagtaildocs_serve`;
learning.media_urls points that name at `document_serve` below instead of Wagtail's view.

Who may fetch a document (`can_view_document`):
- anyone who may view a live lesson whose body uses it (video file or download block), by
  `learning.permissions.can_view_lesson`: preview lessons are public, the others need a
  current enrollment or teaching the course;
- Wagtail admin users with "choose" or "change" permission on the document's collection
  (instructors and administrators preview files in the admin). A document no lesson uses is
  reachable only this way.
Everyone else, anonymous visitors included, gets a 404: a login redirect would confirm that a
guessed id and filename exist, and a <video> element cannot follow one anyway (the lesson page
is where a visitor is asked to log in or enroll).

Uploads (uploads/): a document whose virus scan is pending answers 409 to those allowed to see
it, an infected one 404; every file goes out as an attachment with nosniff and a sandbox CSP.

How the bytes go out (settings.MEDIA_ACCEL_REDIRECT):
- off (development): Django streams the file in chunks, with single byte ranges (206, 416) so
  the browser's video player can seek;
- on (production): Django answers with an empty body and `X-Accel-Redirect`, and nginx sends
  the file from its `internal` location (deploy/nginx/lms.conf), ranges included.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.db.models import IntegerField
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served
from wagtail.models import ReferenceIndex
from wagtail.permissions import policy_registry

from accounts.selectors import user_can_access_admin
from courses.models import LessonPage
from courses.selectors import course_path_of
from learning.permissions import can_view_lesson
from uploads.selectors import with_upload_scan
from uploads.serving import attachment_headers, held_upload_response

logger = logging.getLogger(__name__)

STREAM_CHUNK_SIZE = 64 * 1024
_BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$", re.IGNORECASE)


# --- Who may fetch a document -------------------------------------------------------------------


def lessons_using_document(document) -> list[LessonPage]:
    """Live lessons whose body references the document, preview lessons first (one query).

    Wagtail's reference index records the chooser values of a page from its database row each
    time the row is saved. Saving a draft keeps the live content in the row (the draft goes to
    a revision), so these are the references of what learners see.
    """
    # object_id is text in the reference index (any model's key); lesson ids are integers.
    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(content_type=ContentType.objects.get_for_model(LessonPage))
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )
    lessons = LessonPage.objects.live().filter(pk__in=page_ids).only("id", "path", "is_preview")
    return sorted(lessons, key=lambda lesson: not lesson.is_preview)


def can_view_document(user, document) -> bool:
    """Whether the user may fetch the document: see the module docstring for the rule.

    `can_view_lesson` is the one lesson rule. For a non-preview lesson its answer depends only
    on the lesson's course, so one lesson per course is asked: the cost follows the number of
    courses (editions) that use the file, not the number of lessons. Should the lesson rule
    ever look at the lesson itself (release dates, per-lesson prerequisites), ask every lesson.
    """
    lesson_per_course: dict[str | None, LessonPage] = {}
    for lesson in lessons_using_document(document):
        if lesson.is_preview:
            return True
        lesson_per_course.setdefault(course_path_of(lesson.path), lesson)
    if user.is_authenticated and any(can_view_lesson(user, lesson) for lesson in lesson_per_course.values()):
        return True
    return can_manage_document(user, document)


def can_manage_document(user, document) -> bool:
    """Admin users who may choose or change the document in the Wagtail admin."""
    if not user_can_access_admin(user):
        return False
    policy = policy_registry.get_by_type(get_document_model())
    return policy.user_has_any_permission_for_instance(user, ["choose", "change"], document)


# --- The view -------------------------------------------------------------------------------------


@require_safe
def document_serve(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """Wagtail's `wagtaildocs_serve`, for permitted users only; everyone else gets a 404."""
    # The upload's scan status comes in the same query (uploads.selectors.with_upload_scan).
    documents = with_upload_scan(get_document_model().objects.select_related("collection"))
    document = documents.filter(pk=document_id).first()
    # The filename in the URL must match too, as in Wagtail's view: ids alone are guessable.
    if document is None or document.filename != document_filename or not can_view_document(request.user, document):
        raise Http404("No such document.")
    # Wagtail's own checks on top of ours (collection privacy: login or password).
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    # Held for a virus scan: 409 "being scanned"; found infected: 404 (its bytes are not in MEDIA_ROOT).
    held = held_upload_response(document.upload_scan_status)
    if held is not None:
        return held
    document_served.send(sender=type(document), instance=document, request=request)
    if settings.MEDIA_ACCEL_REDIRECT:
        return _accel_redirect_response(document)
    return _streaming_response(request, document)


def _content_headers(document) -> dict[str, str]:
    """Headers of every answer that carries the file: always an attachment, nosniff, sandboxed CSP.

    A lesson's <video src> plays whatever the disposition; opened directly, the file downloads
    under the uploader's name (uploads.serving.attachment_headers).
    """
    headers = attachment_headers(
        content_type=document.content_type,
        original_name=getattr(document, "upload_original_name", None),
        stored_name=document.filename,
    )
    # Only the browser may keep a copy: the file is not for every visitor.
    headers["Cache-Control"] = "private"
    return headers


# --- Production: nginx sends the file -----------------------------------------------------------


def _accel_redirect_response(document) -> HttpResponse:
    response = HttpResponse(b"")
    for name, value in _content_headers(document).items():
        response[name] = value
    response["X-Accel-Redirect"] = accel_redirect_uri(document)
    return response


def accel_redirect_uri(document) -> str:
    """The internal nginx URI of the document's file: the prefix + its URL-quoted path under MEDIA_ROOT.

    nginx unquotes the header and maps the prefix onto the media volume (`alias`). The resolved
    path must lie inside MEDIA_ROOT, so neither `..` nor a symlink can point nginx elsewhere.
    """
    try:
        file_path = Path(document.file.path).resolve()
    except NotImplementedError as exc:
        raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT needs documents on the local media volume.") from exc
    try:
        relative = file_path.relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError as exc:
        raise SuspiciousFileOperation(f"Document {document.pk} resolves outside MEDIA_ROOT.") from exc
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX.rstrip("/") + "/"
    return prefix + quote(relative.as_posix(), safe="/")


# --- Development: Django streams the file, with byte ranges --------------------------------------


class RangeNotSatisfiable(Exception):
    pass


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def byte_range_parse(header: str, size: int) -> ByteRange | None:
    """The one byte range a `Range` header asks for in a file of `size` bytes.

    None means "send the whole file": no header, a header we do not understand, or several
    ranges (RFC 9110 lets a server ignore Range; browsers' video players ask for one range, and
    a multipart/byteranges answer would buy nothing). Raises RangeNotSatisfiable when the one
    range starts past the end of the file (or asks for the last 0 bytes, or the file is empty).
    """
    match = _BYTE_RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if first:
        start = int(first)
        if last and int(last) < start:
            return None  # an invalid range-spec: ignored like any unreadable header
        if start >= size:
            raise RangeNotSatisfiable()
        return ByteRange(start, min(int(last), size - 1) if last else size - 1)
    if not last:
        return None  # "bytes=-"
    suffix = int(last)
    if suffix == 0 or size == 0:
        raise RangeNotSatisfiable()
    return ByteRange(max(size - suffix, 0), size - 1)


class FileSlice:
    """`length` bytes of a stored file from `start`, read in chunks so no file is held in memory.

    The file is opened on the first read and closed at the end, or when the server closes the
    response (client gone; HEAD requests never open it).
    """

    def __init__(self, storage, name: str, start: int, length: int):
        self.storage, self.name, self.start, self.length = storage, name, start, length
        self._handle = None

    def __iter__(self):
        self._handle = self.storage.open(self.name, "rb")
        try:
            self._handle.seek(self.start)
            remaining = self.length
            while remaining > 0:
                chunk = self._handle.read(min(STREAM_CHUNK_SIZE, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _streaming_response(request: HttpRequest, document) -> HttpResponse:
    storage, name = document.file.storage, document.file.name
    try:
        size = storage.size(name)
    except FileNotFoundError:
        logger.error("Document %s has no file in storage (%s).", document.pk, name)
        raise Http404("No such document.") from None
    etag = f'"{document.file_hash}"' if document.file_hash else None
    headers = _content_headers(document)
    headers["Accept-Ranges"] = "bytes"
    if etag:
        headers["ETag"] = etag

    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _with_headers(not_modified, {key: headers[key] for key in ("Cache-Control", "ETag") if key in headers})

    byte_range = None
    range_header = request.headers.get("Range")
    # If-Range: the client holds part of an earlier version; a range of a changed file would corrupt it.
    if range_header and request.headers.get("If-Range", etag) == etag:
        try:
            byte_range = byte_range_parse(range_header, size)
        except RangeNotSatisfiable:
            response = HttpResponse(b"", status=416)
            headers["Content-Range"] = f"bytes */{size}"
            headers.pop("Content-Type")
            return _with_headers(response, headers)

    if byte_range is None:
        response = StreamingHttpResponse(FileSlice(storage, name, 0, size), status=200)
        headers["Content-Length"] = str(size)
    else:
        response = StreamingHttpResponse(FileSlice(storage, name, byte_range.start, byte_range.length), status=206)
        headers["Content-Length"] = str(byte_range.length)
        headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    return _with_headers(response, headers)


def _with_headers(response: HttpResponse, headers: dict[str, str]) -> HttpResponse:
    for name, value in headers.items():
        response[name] = value
    return response
