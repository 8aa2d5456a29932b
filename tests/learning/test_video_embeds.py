"""External lesson videos (YouTube, Vimeo) through Wagtail embeds: the video block's `embed`.

Wagtail asks the video host for the player (oEmbed). The tests answer for the host with a
finder of their own (WAGTAILEMBEDS_FINDERS), so nothing goes to the network.
"""

import pytest
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.base import EmbedFinder

from learning import services
from tests.builders import publish

pytestmark = pytest.mark.django_db

YOUTUBE_URL = "https://www.youtube.com/watch?v=demo-video"
UNREACHABLE_URL = "https://vimeo.com/404404404"
PLAYER = '<iframe src="https://www.youtube-nocookie.com/embed/demo-video" title="Demo" allowfullscreen></iframe>'


class VideoHost(EmbedFinder):
    """Stands in for YouTube's and Vimeo's oEmbed endpoints."""

    def accept(self, url):
        return url.startswith(("https://www.youtube.com/", "https://vimeo.com/"))

    def find_embed(self, url, max_width=None, max_height=None):
        if url == UNREACHABLE_URL:
            raise EmbedNotFoundException
        return {
            "title": "Demo",
            "type": "video",
            "provider_name": "YouTube",
            "width": 640,
            "height": 360,
            "html": PLAYER,
        }


embed_finder_class = VideoHost


@pytest.fixture(autouse=True)
def video_host(settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": __name__}]


def with_embed(lesson, url):
    block = {"type": "video", "value": {"title": "Watch the demo", "video_file": None, "embed": url, "transcript": ""}}
    lesson.body = lesson.body.stream_block.to_python([block])
    return publish(lesson)


@pytest.fixture
def built(make_course):
    return make_course(modules=1, lessons=2)


def test_enrolled_learner_sees_the_hosts_player(client, built, student):
    lesson = with_embed(built.lessons[1], YOUTUBE_URL)
    services.enrollment_create(user=student, course=built.course)
    client.force_login(student)

    response = client.get(lesson.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="lesson-video__embed"' in html
    assert 'src="https://www.youtube-nocookie.com/embed/demo-video"' in html
    assert "Watch the demo" in html


def test_the_player_stays_behind_the_enroll_page_for_others(client, built, student):
    lesson = with_embed(built.lessons[1], YOUTUBE_URL)
    client.force_login(student)

    response = client.get(lesson.url)

    assert response.status_code == 403
    assert "youtube" not in response.content.decode()


def test_a_host_that_does_not_answer_leaves_a_link_to_the_video(client, built, student):
    lesson = with_embed(built.lessons[1], UNREACHABLE_URL)
    services.enrollment_create(user=student, course=built.course)
    client.force_login(student)

    html = client.get(lesson.url).content.decode()

    assert 'class="lesson-video__fallback"' in html
    assert f'href="{UNREACHABLE_URL}"' in html
