"""An interactive exercise can only be framed from an origin the site's CSP allows."""

import pytest
from django.test import override_settings
from wagtail.blocks import StructBlockValidationError

from courses.blocks import InteractiveEmbedBlock


def _clean(url):
    block = InteractiveEmbedBlock()
    return block.clean(block.to_python({"title": "Packet lab", "url": url, "height": 480}))


def _url_error(url) -> str:
    with pytest.raises(StructBlockValidationError) as caught:
        _clean(url)
    return " ".join(caught.value.block_errors["url"].messages)


def test_plain_http_is_refused():
    assert "https://" in _url_error("http://www.youtube.com/embed/x")


def test_a_host_outside_the_frame_allowlist_is_refused_with_the_list():
    message = _url_error("https://evil.example.net/exercise")
    assert "https://evil.example.net is not an allowed exercise host" in message
    assert "https://player.vimeo.com" in message
    assert "CSP_EXTRA_FRAME_HOSTS" in message


def test_a_video_host_is_accepted():
    assert _clean("https://player.vimeo.com/video/1")["url"] == "https://player.vimeo.com/video/1"


@override_settings(EMBED_FRAME_HOSTS=["https://h5p.example.org"])
def test_a_host_added_by_the_administrator_is_accepted():
    assert _clean("https://H5P.example.org/h5p/embed/7")["url"].startswith("https://H5P.example.org")
