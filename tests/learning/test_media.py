"""Protected lesson files: who may fetch a document, byte ranges in development, X-Accel-Redirect in production."""

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.urls import resolve
from wagtail.documents import get_document_model

from learning.media import ByteRange, RangeNotSatisfiable, accel_redirect_uri, byte_range_parse, document_serve
from learning.services import enrollment_create
from tests.builders import publish

pytestmark = pytest.mark.django_db

# Not a playable video, but more than three 64 KiB chunks, so ranges cross chunk boundaries.
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 800 + b"moov-end"
PDF_BYTES = b"%PDF-1.4\n% lab guide\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT = False
    return settings.MEDIA_ROOT


def make_document(filename, payload):
    document = get_document_model().objects.create(title=filename, file=ContentFile(payload, name=filename))
    document.get_file_hash()  # what Wagtail's upload form stores: the ETag
    return document


def set_body(lesson, *, video=None, download=None):
    blocks = []
    if video is not None:
        blocks.append(
            {"type": "video", "value": {"title": "Intro", "video_file": video.pk, "embed": "", "transcript": ""}}
        )
    if download is not None:
        blocks.append({"type": "document", "value": {"document": download.pk, "title": "", "description": ""}})
    lesson.body = lesson.body.stream_block.to_python(blocks)
    return publish(lesson)


@pytest.fixture
def course(make_course, instructor):
    """One module: a preview lesson and a lesson for enrolled learners only."""
    return make_course(modules=1, lessons=2, instructors=[instructor])


@pytest.fixture
def video(course):
    """A video and a PDF in the course's non-preview lesson, published."""
    document = make_document("intro.mp4", VIDEO_BYTES)
    set_body(course.lessons[1], video=document, download=make_document("lab-guide.pdf", PDF_BYTES))
    return document


@pytest.fixture
def lab_guide(video):
    return get_document_model().objects.get(title="lab-guide.pdf")


@pytest.fixture
def enrolled(client, course, student):
    enrollment_create(user=student, course=course.course)
    client.force_login(student)
    return client


def body_of(response):
    return b"".join(response.streaming_content)


# --- Who may fetch ------------------------------------------------------------------------------


def test_document_urls_reverse_to_the_protected_view(video):
    assert video.url == f"/documents/{video.pk}/intro.mp4"
    assert resolve(video.url).func is document_serve


def test_anonymous_visitor_gets_404(client, video):
    assert client.get(video.url).status_code == 404


def test_learner_not_enrolled_gets_404(client, video, student):
    client.force_login(student)
    assert client.get(video.url).status_code == 404


def test_enrolled_learner_gets_the_whole_video(enrolled, video):
    response = enrolled.get(video.url)
    assert response.status_code == 200
    assert body_of(response) == VIDEO_BYTES
    assert response["Content-Length"] == str(len(VIDEO_BYTES))
    assert response["Accept-Ranges"] == "bytes"


def test_video_is_served_as_an_attachment_with_its_type_and_private_caching(enrolled, video):
    # Issue 5 (safe uploads): every document is an attachment; a <video src> plays regardless.
    response = enrolled.get(video.url)
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == 'attachment; filename="intro.mp4"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"


def test_download_block_document_is_an_attachment(enrolled, lab_guide):
    response = enrolled.get(lab_guide.url)
    assert response.status_code == 200
    assert body_of(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lab-guide.pdf"'


def test_download_block_document_is_404_for_a_learner_not_enrolled(client, lab_guide, student):
    client.force_login(student)
    assert client.get(lab_guide.url).status_code == 404


def test_instructor_of_the_course_gets_the_video(client, video, instructor):
    client.force_login(instructor)
    response = client.get(video.url)
    assert response.status_code == 200
    assert body_of(response) == VIDEO_BYTES


def test_preview_lesson_document_is_public(client, course):
    handout = make_document("handout.pdf", PDF_BYTES)
    set_body(course.lessons[0], download=handout)
    response = client.get(handout.url)
    assert response.status_code == 200
    assert body_of(response) == PDF_BYTES


def test_document_used_by_no_lesson_is_404_for_a_learner(enrolled, video):
    unused = make_document("draft-notes.pdf", PDF_BYTES)
    assert enrolled.get(unused.url).status_code == 404


def test_document_used_by_no_lesson_is_served_to_an_administrator(client, administrator):
    unused = make_document("draft-notes.pdf", PDF_BYTES)
    client.force_login(administrator)
    response = client.get(unused.url)
    assert response.status_code == 200
    assert body_of(response) == PDF_BYTES


def test_instructor_previews_any_document_their_admin_chooser_shows(client, other_instructor):
    unused = make_document("draft-notes.pdf", PDF_BYTES)
    client.force_login(other_instructor)
    assert client.get(unused.url).status_code == 200


def test_wrong_filename_for_the_id_is_404(enrolled, video):
    assert enrolled.get(f"/documents/{video.pk}/other.mp4").status_code == 404


def test_id_beyond_the_integer_range_is_404(enrolled):
    assert enrolled.get("/documents/99999999999999999999999/intro.mp4").status_code == 404


def test_document_removed_from_the_lesson_is_no_longer_served(enrolled, course, video):
    set_body(course.lessons[1])
    assert enrolled.get(video.url).status_code == 404


def test_draft_without_the_document_keeps_serving_the_live_lesson_file(enrolled, course, video):
    lesson = course.lessons[1]
    lesson.body = lesson.body.stream_block.to_python([])
    lesson.save_revision()  # a draft: the live lesson still shows the video
    assert enrolled.get(video.url).status_code == 200


def test_dropped_learner_gets_404(enrolled, course, video, student):
    from learning.services import enrollment_drop

    enrollment_drop(enrollment=student.enrollments.get())
    assert enrolled.get(video.url).status_code == 404


def test_post_is_not_allowed(enrolled, video):
    assert enrolled.post(video.url).status_code == 405


def test_head_answers_headers_without_a_body(enrolled, video):
    response = enrolled.head(video.url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(VIDEO_BYTES))
    assert body_of(response) == b""


# --- Development: byte ranges -----------------------------------------------------------------

SIZE = len(VIDEO_BYTES)


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=65530-131080", 65530, 131080),  # across chunk boundaries
        (f"bytes={SIZE - 5}-", SIZE - 5, SIZE - 1),
        ("bytes=-16", SIZE - 16, SIZE - 1),
        (f"bytes=100-{SIZE + 1000}", 100, SIZE - 1),  # the end is clamped to the file
        (f"bytes=-{SIZE + 1000}", 0, SIZE - 1),  # a suffix longer than the file is the file
    ],
)
def test_range_request_gets_206_with_exactly_those_bytes(enrolled, video, header, start, end):
    response = enrolled.get(video.url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert body_of(response) == VIDEO_BYTES[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=-0"])
def test_range_past_the_end_gets_416_with_the_size(enrolled, video, header):
    response = enrolled.get(video.url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.content == b""


def test_several_ranges_get_the_whole_file(enrolled, video):
    response = enrolled.get(video.url, HTTP_RANGE="bytes=0-9,20-29")
    assert response.status_code == 200
    assert body_of(response) == VIDEO_BYTES


def test_range_with_the_current_etag_in_if_range_gets_206(enrolled, video):
    response = enrolled.get(video.url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{video.file_hash}"')
    assert response.status_code == 206


def test_range_with_a_stale_if_range_gets_the_whole_file(enrolled, video):
    response = enrolled.get(video.url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-older-version"')
    assert response.status_code == 200
    assert body_of(response) == VIDEO_BYTES


def test_matching_if_none_match_gets_304(enrolled, video):
    response = enrolled.get(video.url, HTTP_IF_NONE_MATCH=f'"{video.file_hash}"')
    assert response.status_code == 304
    assert response["Cache-Control"] == "private"


def test_range_is_not_a_way_around_the_permission_check(client, video, student):
    client.force_login(student)
    assert client.get(video.url, HTTP_RANGE="bytes=0-9").status_code == 404


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-0", 10, ByteRange(0, 0)),
        ("bytes=3-", 10, ByteRange(3, 9)),
        ("bytes=-3", 10, ByteRange(7, 9)),
        ("BYTES=1-2", 10, ByteRange(1, 2)),
        ("bytes=5-2", 10, None),  # invalid: ignored
        ("bytes=-", 10, None),
        ("items=0-1", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("bytes=a-b", 10, None),
    ],
)
def test_byte_range_parse(header, size, expected):
    assert byte_range_parse(header, size) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=10-", 10), ("bytes=-0", 10), ("bytes=0-", 0), ("bytes=-5", 0)])
def test_byte_range_parse_refuses_unsatisfiable_ranges(header, size):
    with pytest.raises(RangeNotSatisfiable):
        byte_range_parse(header, size)


# --- Production: X-Accel-Redirect ---------------------------------------------------------------


def test_accel_mode_answers_an_empty_body_and_the_internal_path(settings, enrolled, video):
    settings.MEDIA_ACCEL_REDIRECT = True
    response = enrolled.get(video.url, HTTP_RANGE="bytes=0-9")  # nginx answers the range
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/documents/intro.mp4"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == 'attachment; filename="intro.mp4"'
    assert response["Cache-Control"] == "private"


def test_accel_mode_marks_documents_as_attachments(settings, enrolled, lab_guide):
    settings.MEDIA_ACCEL_REDIRECT = True
    response = enrolled.get(lab_guide.url)
    assert response["X-Accel-Redirect"] == "/protected-media/documents/lab-guide.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lab-guide.pdf"'


def test_accel_mode_checks_permission_first(settings, client, video, student):
    settings.MEDIA_ACCEL_REDIRECT = True
    client.force_login(student)
    response = client.get(video.url)
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_accel_path_is_url_quoted(settings, client, administrator):
    settings.MEDIA_ACCEL_REDIRECT = True
    document = make_document("Wireshark über alles.pdf", PDF_BYTES)
    client.force_login(administrator)
    response = client.get(document.url)
    assert response["X-Accel-Redirect"] == "/protected-media/documents/Wireshark_%C3%BCber_alles.pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Wireshark_%C3%BCber_alles.pdf"


def test_accel_path_refuses_a_file_outside_media_root(media_root, tmp_path):
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(PDF_BYTES)
    document = make_document("linked.pdf", PDF_BYTES)
    link = media_root / document.file.name
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(SuspiciousFileOperation):
        accel_redirect_uri(document)


# --- Queries ---------------------------------------------------------------------------------


def test_enrolled_learner_fetch_costs_five_queries(enrolled, video, django_assert_max_num_queries):
    enrolled.get(video.url)  # warms the lesson -> course cache
    # session user, document, lessons using it, enrollment, Wagtail's collection restrictions
    with django_assert_max_num_queries(5):
        enrolled.get(video.url, HTTP_RANGE="bytes=0-9")


@pytest.mark.parametrize("lessons", [1, 8])
def test_refused_fetch_does_not_grow_with_the_lessons_using_the_file(
    make_course, client, student, lessons, django_assert_max_num_queries
):
    built = make_course(modules=1, lessons=lessons + 1)
    shared = make_document("cheat-sheet.pdf", PDF_BYTES)
    for lesson in built.lessons[1:]:
        set_body(lesson, download=shared)
    client.force_login(student)
    client.get(shared.url)
    # session user, document, lessons using it, then once per course: enrollment, roles,
    # teaching; + 2 for the redirects middleware, which looks every 404 up
    with django_assert_max_num_queries(8):
        assert client.get(shared.url).status_code == 404
