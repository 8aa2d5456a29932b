"""A learner watches an uploaded lesson video: progress beacons, resume after a reload, completion at 90 %.

The video is a real 20-second VP8 WebM made by Chromium at test time (tests/e2e/video_helpers.py),
stored as a Wagtail document in the lesson's video block, and served by learning.media with
byte ranges: Chromium asks for `bytes=0-` and seeks only in a resource that answers 206.
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from accounts import roles
from learning import services as learning_services
from learning.models import LessonProgress
from tests.builders import build_catalog, build_course, build_home_page, publish
from tests.e2e.helpers import log_in
from tests.e2e.video_helpers import make_webm
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

VIDEO_SECONDS = 20
BEACON_PATH = "/api/v1/progress/video/"
VIDEO = "document.querySelector('.lesson__body video[data-lesson-video]')"
# Seek (paused) to a time, then play and pause there: the pause is when learning.js sends a beacon.
STOP_AT_JS = f"""async (seconds) => {{
    const video = {VIDEO};
    video.muted = true;
    video.pause();
    if (Math.abs(video.currentTime - seconds) > 0.01) {{
        const seeked = new Promise((resolve) => video.addEventListener("seeked", resolve, {{once: true}}));
        video.currentTime = seconds;
        await seeked;
    }}
    await video.play();
    video.pause();
}}"""


@pytest.fixture(scope="module")
def webm_bytes(browser):
    return make_webm(browser, seconds=VIDEO_SECONDS)


def _video_lesson(webm):
    """A published course (one module, two lessons); the second, for enrolled learners only, shows the video."""
    catalog = build_catalog(build_home_page())
    built = build_course(catalog, title="Packet Capture Basics", modules=1, lessons=2)
    document = get_document_model().objects.create(title="tcpdump intro", file=ContentFile(webm, name="tcpdump.webm"))
    document.get_file_hash()  # as Wagtail's upload form does: the ETag
    lesson = built.lessons[1]
    assert not lesson.is_preview
    video = {"title": "tcpdump in five minutes", "video_file": document.pk, "embed": "", "transcript": ""}
    lesson.body = lesson.body.stream_block.to_python([{"type": "video", "value": video}])
    return built.course, publish(lesson), document


def _metadata_loaded(page):
    """Wait until the player knows the video's length (its header came through); return the duration."""
    page.wait_for_function(f"() => {{ const video = {VIDEO}; return video !== null && video.readyState >= 1; }}")
    return page.evaluate(f"() => {VIDEO}.duration")


def _position(page):
    return page.evaluate(f"() => {VIDEO}.currentTime")


def _stop_at(page, seconds):
    """Stop the video at `seconds`; return the beacon learning.js sent then, and the server's answer."""
    with page.expect_response(lambda r: r.url.endswith(BEACON_PATH) and r.request.method == "POST") as beacon:
        page.evaluate(STOP_AT_JS, seconds)
    response = beacon.value
    assert response.ok, response.text()
    return response.request.post_data_json, response.json()


def _progress(user, lesson):
    return LessonProgress.objects.filter(enrollment__user=user, lesson=lesson).first()


def _wait_for_resume(page, *, at_least):
    """Wait until learning.js has moved the player to the saved position (and the seek is done)."""
    try:
        page.wait_for_function(
            f"(seconds) => {{ const video = {VIDEO}; return video.currentTime >= seconds && !video.seeking; }}",
            arg=at_least,
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"the video did not resume at {at_least} s: it stands at {_position(page)} s", pytrace=False)


def test_lesson_video_resumes_and_completes_at_ninety_percent(page, settings, tmp_path, webm_bytes):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ACCEL_REDIRECT = False  # Django streams the file (development mode), with ranges
    learner = UserFactory(roles=[roles.STUDENT])
    EmailAddress.objects.update_or_create(
        user=learner, email=learner.email, defaults={"verified": True, "primary": True}
    )
    course, lesson, document = _video_lesson(webm_bytes)
    learning_services.enrollment_create(user=learner, course=course)

    log_in(page, learner)
    with page.expect_response(lambda r: r.url.endswith(document.url)) as first_media_response:
        page.goto(lesson.url)
    # The protected file, in byte ranges: the player's first request (bytes=0-) gets a 206.
    media = first_media_response.value
    assert media.status == 206, (media.status, media.request.headers.get("range"))
    assert media.request.headers["range"].startswith("bytes=")
    assert media.headers["accept-ranges"] == "bytes"
    assert media.headers["content-range"].endswith(f"/{len(webm_bytes)}")

    assert json.loads(page.locator("#lesson-progress").text_content())["position"] == 0
    assert _metadata_loaded(page) == VIDEO_SECONDS
    assert _position(page) == 0
    expect(page.get_by_test_id("mark-complete")).to_be_visible()

    # Halfway: the pause reports the position; nothing completes.
    sent, answer = _stop_at(page, 10)
    assert sent["lesson"] == lesson.pk
    assert sent["duration"] == VIDEO_SECONDS
    assert 10 <= sent["position"] < 11
    assert answer["data"]["completed"] is False
    progress = _progress(learner, lesson)
    assert progress is not None
    assert progress.completed_at is None
    assert 10 <= progress.video_position < 11
    assert progress.video_duration == VIDEO_SECONDS

    # A reload resumes where the learner stopped, not at the start.
    page.reload()
    assert json.loads(page.locator("#lesson-progress").text_content())["position"] == progress.video_position
    _metadata_loaded(page)
    _wait_for_resume(page, at_least=10)
    assert _position(page) < 11
    expect(page.get_by_test_id("mark-complete")).to_be_visible()

    # Past 90 % (18.5 of 20 s, short of the end): the lesson completes on its own.
    sent, answer = _stop_at(page, 18.5)
    assert 18.5 <= sent["position"] < 19
    assert answer["data"]["completed"] is True
    progress = _progress(learner, lesson)
    assert progress.completed_at is not None

    page.reload()
    expect(page.get_by_test_id("lesson-status")).to_contain_text("Completed")
    expect(page.get_by_test_id("mark-complete")).to_have_count(0)
    expect(page.locator(".lesson-progress__label")).to_have_text("Course progress: 1 of 2")
