"""Accessibility audit of the learner site: axe-core (WCAG 2.1 A and AA rules) and keyboard focus.

axe-core comes bundled with axe-playwright-python (requirements-dev.txt): no network. The pages
people use are audited in one test (building the data once keeps the run short), on a desktop
and a phone viewport, and the test fails on every violation of axe's WCAG 2.0/2.1 A and AA rules
and of its best practices (landmarks, headings), whatever axe's impact rating, listing each page,
rule and element. axe's own impact ratings are shown in the message, not used to filter.
"""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images import get_image_model

from accounts import roles
from courses.models import LearningPath, LearningPathStep
from learning import services as learning_services
from profiles.consent_models import LegalDocument
from tests.builders import build_catalog, build_course, build_home_page, publish
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.helpers import PASSWORD
from tests.factories import CompetencyFactory, UserFactory

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# best-practice: one main landmark, unique landmark names, all content inside landmarks, heading
# order, one h1: the structure issue 2 asks for, which the WCAG tags alone do not check.
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations", "incomplete"]}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

_axe = Axe()

# axe cannot measure text contrast over a gradient (it reports "incomplete", not a violation), and
# the site's backgrounds are faint gradients: without this the contrast rule would check almost
# nothing. For the audit each decorative gradient is replaced by a solid colour: the lightest
# point it reaches (its brightest stop composited over what lies beneath), which is the worst
# case for the site's light-on-dark text. The test fails if any contrast check is still left
# incomplete, so a new gradient needs its line here.
AUDIT_BACKGROUNDS = """
body { background: rgb(11 32 43) !important; }  /* accent 8 % over --bg */
.page-header { background: rgb(12 43 52) !important; }  /* teal 7 % over the body's worst case */
.hero { background: rgb(22 66 80) !important; }  /* accent 16 % over #0d1b33, plus the 5 % grid lines */
.hero::before { background: none !important; }
.course-card { background: var(--surface-2) !important; }  /* the gradient's lighter end */
/* Decorations beside the text, never behind it, that axe counts as unknown backgrounds: */
.course-card::before { content: none !important; }  /* the 3 px level stripe on the card's top edge */
select { background-image: none !important; }  /* the drop-down arrow at the right end */
/* The 404 page's big decorative number (aria-hidden) is gradient-filled text: its darker end. */
.error-page__code { background: none !important; color: #60a5fa !important; }
"""
# axe also leaves contrast "incomplete" for text of symbols only (an arrow): WCAG's contrast
# criterion is about text, so these are not counted.
CONTRAST_NOT_APPLICABLE = {"nonBmp"}


@pytest.fixture
def audit_page(browser, live_server):
    """A page whose context ignores the site's Content-Security-Policy (this test only).

    The audit adds things the site's strict CSP exists to refuse: axe-core's script and an
    inline <style> (AUDIT_BACKGROUNDS; `style-src 'self'` blocks it). Playwright evaluates axe
    through the DevTools protocol, which the CSP does not govern today, but the inline style is
    refused, so the audit's context bypasses the policy. The policy itself is checked by
    test_content_security_policy.py; every other browser test runs under it.
    """
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _violations(page, name: str) -> list[str]:
    """axe's violations on the page as it is now (and contrast it could not check), one entry per element."""
    page.wait_for_load_state("load")
    page.add_style_tag(content=AUDIT_BACKGROUNDS)
    results = _axe.run(page, options=AXE_OPTIONS).response
    unchecked = [
        {**result, "impact": "contrast not checked", "nodes": nodes}
        for result in results["incomplete"]
        if result["id"] == "color-contrast"
        and (nodes := [node for node in result["nodes"] if not _contrast_not_applicable(node)])
    ]
    lines = []
    for violation in results["violations"] + unchecked:
        for node in violation["nodes"]:
            lines.append(
                f"{name} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']}\n"
                f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}\n"
                f"    {node.get('failureSummary', '').strip()}".replace("\n  ", "\n      ")
            )
    return lines


def _contrast_not_applicable(node) -> bool:
    keys = {(check.get("data") or {}).get("messageKey") for check in node["any"]}
    return bool(keys) and keys <= CONTRAST_NOT_APPLICABLE


def _image(title):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), (20, 184, 166)).save(buffer, format="PNG")
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


def _build_site():
    for kind, title in ((LegalDocument.Kind.TERMS, "Terms of service"), (LegalDocument.Kind.PRIVACY, "Privacy policy")):
        LegalDocument.objects.create(kind=kind, version="2025-01", title=title, body=f"<p>{title} text.</p>")
    catalog = build_catalog(build_home_page())
    course = build_course(
        catalog,
        title="Network Defense Basics",
        slug="network-defense-basics",
        level="beginner",
        competencies=[CompetencyFactory(name="Cyber defense analyst", code="PD-WRL-001")],
        tags=["network"],
        modules=2,
        lessons=2,
    )
    second = build_course(
        catalog, title="Cloud Defense in Depth", slug="cloud-defense", level="advanced", modules=1, lessons=1
    )
    course.course.image = _image("Network map")
    publish(course.course)
    # The factory's lessons carry a heading, a paragraph, a code sample and a warning callout; the
    # enrolled learner's lesson gets an image with its text alternative, a note and a tip as well.
    lesson = course.lessons[1]
    lesson.body = list(lesson.body.raw_data) + [
        {
            "type": "image",
            "value": {
                "image": _image("Three-way handshake").pk,
                "alt_text": "SYN, SYN-ACK, ACK",
                "caption": "A handshake.",
            },
        },
        {"type": "callout", "value": {"kind": "note", "title": "", "text": "<p>Keep your capture filters narrow.</p>"}},
        {
            "type": "callout",
            "value": {"kind": "tip", "title": "Shortcut", "text": "<p>Use <code>-w</code> to save.</p>"},
        },
    ]
    publish(lesson)
    path = LearningPath.objects.create(
        title="SOC Analyst track",
        slug="soc-analyst",
        summary="From logs to incidents.",
        description="<p>Two courses.</p>",
    )
    for order, built in enumerate((course, second)):
        LearningPathStep.objects.create(path=path, course=built.course, sort_order=order)
    learner = UserFactory(roles=[roles.STUDENT], display_name="Ada Lovelace")
    learning_services.enrollment_create(user=learner, course=course.course)
    return course, learner


def test_the_pages_people_use_have_no_wcag_a_or_aa_violations(audit_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = audit_page
    course, learner = _build_site()
    preview, member_only = course.lessons[0], course.lessons[1]
    found = []

    def audit(name, url, status=200):
        response = page.goto(url)
        assert response.status == status, f"{name}: {url} answered {response.status}"
        found.extend(_violations(page, name))

    audit("home", "/")
    audit("catalog", "/courses/")
    audit("catalog filtered", "/courses/?q=defense&level=beginner")
    audit("catalog, no match", "/courses/?q=quantum-basket-weaving")
    audit("course", course.course.url)
    audit("preview lesson", preview.url)
    audit("locked lesson", member_only.url, status=403)
    audit("learning paths", "/paths/")
    audit("learning path", "/paths/soc-analyst/")
    audit("search results", "/search/?q=defense")
    audit("not found", "/no-such-page/", status=404)
    audit("signup", "/accounts/signup/")
    # Sent back with field errors (a short password, not repeated): aria-invalid and described-by.
    page.get_by_label("Your name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("different")
    page.get_by_label(re.compile("I accept the terms of service")).check()
    page.get_by_label(re.compile("I accept the privacy policy")).check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    found.extend(_violations(page, "signup, with errors"))
    audit("login", "/accounts/login/")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found.extend(_violations(page, "login, wrong password"))

    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("user-name")).to_have_text("Ada Lovelace")

    audit("dashboard", "/dashboard/")
    audit("course, enrolled", course.course.url)
    audit("lesson, enrolled", member_only.url)
    lesson = page.get_by_role("article")
    expect(lesson.get_by_role("note")).to_have_count(3)  # warning, note and tip callouts
    expect(lesson.get_by_role("region", name="Code sample: Capture DNS")).to_have_count(1)
    expect(lesson.get_by_role("img", name="SYN, SYN-ACK, ACK")).to_be_visible()
    audit("learning path, signed in", "/paths/soc-analyst/")

    # On a phone the header stacks and the lesson's outline moves: the same rules, narrow layout.
    page.set_viewport_size(PHONE)
    audit("dashboard, phone", "/dashboard/")
    audit("lesson, enrolled, phone", member_only.url)
    page.context.clear_cookies()
    audit("home, phone", "/")
    audit("catalog, phone", "/courses/")
    audit("course, phone", course.course.url)

    assert not found, f"{len(found)} accessibility violation(s):\n" + "\n".join(found)


_FOCUS_RING = """el => {
    // The focus indicator of the element Tab reached: its own outline, or, where the site draws
    // the ring elsewhere, that of its ::after (the course card's stretched link) or of the
    // nearest ancestor showing one (the header search box).
    const ring = (style) => style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
        ? `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : null;
    let found = ring(getComputedStyle(el)) || ring(getComputedStyle(el, "::after"));
    for (let up = el.parentElement; !found && up && up !== document.body; up = up.parentElement) {
        found = ring(getComputedStyle(up));
    }
    const box = el.getBoundingClientRect();
    return {
        label: `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40)}"`,
        ring: found,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    };
}"""


def test_keyboard_focus_starts_at_a_skip_link_and_every_stop_shows_a_ring(page):
    catalog = build_catalog(build_home_page())
    build_course(catalog, title="Network Defense Basics", modules=1, lessons=1)
    page.goto("/courses/")

    # The first Tab stop is a visible "skip to main content" link with a focus ring.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_have_attribute("href", "#main-content")
    expect(focused).to_be_in_viewport()
    style = focused.evaluate("el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]")
    assert style[0] not in ("none", "hidden") and style[1] >= 2, style

    # Following it moves focus to the main landmark; the next Tab goes into the page's content.
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.locator(":focus").evaluate("el => !!el.closest('main')")

    # From the top, Tab reaches every control on the page, in view and with a visible ring.
    page.goto("/courses/")
    stops = []
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body || !document.activeElement"):
            break
        stops.append(page.locator(":focus").evaluate(_FOCUS_RING))
    else:
        pytest.fail(f"Tab never left the page after {len(stops)} stops (a focus trap?)")
    labels = [stop["label"] for stop in stops]
    assert len(stops) >= 10, labels  # header, filters, the course card, footer
    assert any("Network Defense Basics" in label for label in labels), labels
    without_ring = [stop["label"] for stop in stops if not stop["ring"]]
    assert not without_ring, f"focused without a visible focus ring: {without_ring}"
    out_of_view = [stop["label"] for stop in stops if not stop["visible"]]
    assert not out_of_view, f"focused but not scrolled into view: {out_of_view}"
