"""Each page type renders for visitors; the catalog searches and filters; cached parts stay fresh."""

import pytest

from tests.builders import publish
from tests.factories import CompetencyFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


def _card_titles(response):
    return sorted(course.title for course in response.context["courses"])


def test_home_page_renders_with_featured_courses(client, make_course):
    make_course(title="Security Fundamentals")
    response = client.get("/")
    assert response.status_code == 200
    assert b"Security Fundamentals" in response.content
    assert b'href="/courses/"' in response.content


def test_catalog_lists_published_courses_only(client, make_course):
    make_course(title="Live Course")
    make_course(title="Archived Course", archived=True)
    make_course(title="Draft Course").course.unpublish()
    response = client.get("/courses/")
    assert response.status_code == 200
    assert _card_titles(response) == ["Live Course"]
    assert b"Archived Course" not in response.content
    assert b"Draft Course" not in response.content


def test_catalog_search(client, make_course):
    make_course(title="Packet Analysis", summary="Read traffic with Wireshark.")
    make_course(title="Cloud Identity", summary="Least privilege in IAM.")
    assert _card_titles(client.get("/courses/?q=wireshark")) == ["Packet Analysis"]


def test_catalog_search_never_finds_archived_courses(client, make_course):
    make_course(title="Old Wireshark Course", archived=True)
    assert _card_titles(client.get("/courses/?q=wireshark")) == []


def test_catalog_filters_by_level(client, make_course):
    make_course(title="Intro", level="beginner")
    make_course(title="Deep Dive", level="advanced")
    assert _card_titles(client.get("/courses/?level=advanced")) == ["Deep Dive"]


def test_catalog_filters_by_competency(client, make_course):
    analyst = CompetencyFactory(code="PR-CDA-001", name="Cyber Defense Analyst")
    make_course(title="SOC Work", competencies=[analyst])
    make_course(title="Other")
    response = client.get("/courses/?competency=PR-CDA-001")
    assert _card_titles(response) == ["SOC Work"]
    assert b"PR-CDA-001" in response.content  # offered as a filter choice


def test_catalog_filters_by_tag(client, make_course):
    make_course(title="Linux Hardening", tags=["linux"])
    make_course(title="Web Basics", tags=["web"])
    assert _card_titles(client.get("/courses/?tag=linux")) == ["Linux Hardening"]


def test_catalog_ignores_an_unknown_level(client, make_course):
    make_course(title="Intro")
    assert _card_titles(client.get("/courses/?level=<script>")) == ["Intro"]


def test_course_page_shows_the_outline_with_preview_badges(client, make_course):
    built = make_course(modules=2, lessons=2)
    response = client.get(built.course.url)
    assert response.status_code == 200
    html = response.content.decode()
    for module in built.modules:
        assert module.title in html
    for lesson in built.lessons:
        assert lesson.url in html
    assert html.count('data-testid="preview-badge"') == 1


def test_module_page_renders(client, make_course):
    built = make_course(modules=1, lessons=2)
    response = client.get(built.modules[0].url)
    assert response.status_code == 200
    assert built.lessons[1].title.encode() in response.content


def test_lesson_page_renders_every_block_kind_with_highlighted_code(client, make_course):
    built = make_course(modules=1, lessons=2)
    response = client.get(built.lessons[0].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading a packet capture" in html
    assert 'class="code-highlight"' in html
    assert "tcpdump" in html
    assert "Capture only on networks you own." in html
    assert built.lessons[1].url in html  # "next lesson" link


def test_unpublished_lesson_is_404(client, make_course):
    built = make_course(modules=1, lessons=1)
    lesson = built.lessons[0]
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_unknown_path_is_404(client, catalog):
    assert client.get("/courses/no-such-course/").status_code == 404


def test_newly_published_lesson_appears_in_a_cached_outline(client, make_course):
    built = make_course(modules=1, lessons=1)
    client.get(built.course.url)  # fills the outline cache
    publish(LessonPageFactory(parent=built.modules[0], title="Brand New Lesson"))
    assert b"Brand New Lesson" in client.get(built.course.url).content


def test_republished_lesson_body_is_not_served_stale(client, make_course):
    built = make_course(modules=1, lessons=1)
    lesson = built.lessons[0]
    assert b"Reading a packet capture" in client.get(lesson.url).content  # cached now
    lesson.body = [("paragraph", "<p>Second edition of this lesson.</p>")]
    publish(lesson)
    html = client.get(lesson.url).content
    assert b"Second edition of this lesson." in html
    assert b"Reading a packet capture" not in html


def test_site_search_finds_courses_and_lessons(client, make_course):
    built = make_course(title="Packet Analysis", modules=1, lessons=1)
    lesson = built.lessons[0]
    lesson.title = "Reading tcpdump output"
    publish(lesson)
    response = client.get("/search/?q=tcpdump")
    assert response.status_code == 200
    assert lesson.pk in [result.pk for result in response.context["results"]]
    assert lesson.url.encode() in response.content
    assert b'In <a href="%s">Packet Analysis</a>' % built.course.url.encode() in response.content


def test_site_search_leaves_out_lessons_of_archived_courses(client, make_course):
    built = make_course(title="Old Course", archived=True, modules=1, lessons=1)
    response = client.get(f"/search/?q={built.lessons[0].title}")
    assert built.lessons[0].pk not in [result.pk for result in response.context["results"]]


def test_site_search_leaves_out_unpublished_lessons(client, make_course):
    built = make_course(title="Packet Analysis", modules=1, lessons=1)
    built.lessons[0].unpublish()
    response = client.get(f"/search/?q={built.lessons[0].title}")
    assert built.lessons[0].pk not in [result.pk for result in response.context["results"]]


def test_health_endpoints(client, db):
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready").json()
    assert ready == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_preview_of_a_draft_shows_the_draft_not_the_cached_live_body(client, make_course, administrator):
    from django.urls import reverse
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    built = make_course(modules=1, lessons=1)
    lesson = built.lessons[0]
    client.get(lesson.url)  # the live body is now cached
    client.force_login(administrator)
    administrator.is_superuser = True
    administrator.save()
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    draft = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "estimated_minutes": 5,
            "body": streamfield([("heading", {"text": "Words only in the draft", "level": "h2"})]),
        }
    )
    assert client.post(preview_url, draft).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert b"Words only in the draft" in preview.content
    assert b"Words only in the draft" not in client.get(lesson.url).content
