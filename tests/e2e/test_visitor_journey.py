"""A visitor finds a course, reads its free preview lesson, signs up, confirms their email, logs in and out."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from profiles.consent_models import ConsentRecord, LegalDocument
from tests.builders import build_catalog, build_course, build_home_page

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-and-unusual-passphrase-42"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


def _build_catalog_with_courses():
    catalog = build_catalog(build_home_page())
    course = build_course(
        catalog,
        title="Network Defense Basics",
        slug="network-defense-basics",
        summary="Watch a network the way an attacker sees it.",
        level="beginner",
        modules=2,
        lessons=2,
    )
    build_course(
        catalog,
        title="Cloud Defense in Depth",
        slug="cloud-defense-in-depth",
        summary="Guard cloud accounts, identities and workloads.",
        level="advanced",
        modules=1,
        lessons=1,
    )
    build_course(
        catalog,
        title="Incident Response Playbooks",
        slug="incident-response-playbooks",
        summary="Triage, contain and recover from an intrusion.",
        level="intermediate",
        modules=1,
        lessons=1,
    )
    return course


def test_visitor_finds_a_course_reads_the_preview_signs_up_and_logs_in(page):
    built = _build_catalog_with_courses()
    for kind, title in ((LegalDocument.Kind.TERMS, "Terms of service"), (LegalDocument.Kind.PRIVACY, "Privacy policy")):
        LegalDocument.objects.create(kind=kind, version="2025-01", title=title, body=f"<p>{title} text.</p>")
    preview_lesson = built.lessons[0]
    first_module = built.modules[0]
    mail.outbox.clear()

    # Home page → catalog through the main navigation.
    # Wagtail's only (default) site is "localhost:80"; it serves the live server's host too.
    page.goto("/")
    expect(page).to_have_title(re.compile("WCHI LMS"))
    expect(page.get_by_role("heading", name="Featured courses")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page).to_have_url(re.compile(r"/courses/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    cards = page.get_by_test_id("course-card")
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"3\s+courses"))

    # Search with the filter form: two courses are about defense…
    filters = page.get_by_role("search", name="Filter courses")
    filters.get_by_label("Keywords").fill("defense")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]q=defense"))
    expect(cards).to_have_count(2)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"2\s+courses\s+match your filters"))
    expect(cards.get_by_role("link", name="Incident Response Playbooks")).to_have_count(0)

    # …and one of them is for beginners. The keywords are kept in the form.
    expect(filters.get_by_label("Keywords")).to_have_value("defense")
    filters.get_by_label("Level").select_option(label="Beginner")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]level=beginner"))
    expect(cards).to_have_count(1)
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"1\s+course\s+matches your filters"))
    expect(filters.get_by_label("Level")).to_have_value("beginner")

    # A search that matches nothing says so.
    page.goto("/courses/?q=quantum-basket-weaving")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No courses match your search.")
    page.go_back()

    # The course page shows the outline: modules, lessons and the free preview badge.
    cards.get_by_role("link", name="Network Defense Basics").click()
    expect(page).to_have_url(re.compile(r"/courses/network-defense-basics/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Network Defense Basics")
    outline = page.get_by_test_id("course-outline")
    expect(outline.get_by_role("heading", level=3)).to_have_count(2)
    expect(outline.get_by_role("heading", name=first_module.title)).to_be_visible()
    expect(outline.get_by_role("link")).to_have_count(2 + 4)  # two modules, four lessons
    preview_item = outline.get_by_role("listitem").filter(has=page.get_by_role("link", name=preview_lesson.title))
    expect(preview_item.get_by_test_id("preview-badge")).to_have_text("Free preview")
    expect(outline.get_by_test_id("preview-badge")).to_have_count(1)

    # The preview lesson: its title, blocks and server-highlighted code.
    outline.get_by_role("link", name=preview_lesson.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(preview_lesson.title)
    lesson = page.get_by_role("article")
    expect(lesson.get_by_role("heading", name="Reading a packet capture", level=2)).to_be_visible()
    expect(lesson.get_by_text("Every connection starts with a handshake you can see on the wire.")).to_be_visible()
    code = lesson.get_by_role("region", name="Code sample: Capture DNS")
    expect(code).to_contain_text("tcpdump -nn -i eth0 port 53")
    expect(code.locator(".code-highlight span").first).to_be_attached()  # Pygments wrapped the tokens
    expect(code.locator(".code-highlight span", has_text="53")).to_have_count(1)

    # Sign up from the header.
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    # The terms and the privacy policy must be accepted; marketing email is optional (left off).
    page.get_by_label(re.compile("I accept the terms of service")).check()
    page.get_by_label(re.compile("I accept the privacy policy")).check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your email address")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # not logged in yet

    # The confirmation email (the live server runs in this process: same locmem outbox).
    assert sorted(ConsentRecord.objects.filter(user__email="grace@example.org").values_list("kind", "version")) == [
        ("privacy", "2025-01"),
        ("terms", "2025-01"),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace@example.org"]
    link = CONFIRM_LINK.search(message.body)
    assert link, message.body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm Email Address")
    page.get_by_role("button", name="Confirm").click()

    # Log in with the confirmed address.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("user-name")).to_have_text("Grace Hopper")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)

    # Log out (a POST form in the header).
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_count(0)
