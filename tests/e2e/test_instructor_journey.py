"""An instructor writes a lesson in the Wagtail editor and publishes it; other people's courses stay closed."""

import re

import pytest
from playwright.sync_api import expect

from accounts import roles
from courses.models import LessonPage
from tests.builders import build_catalog, build_course, build_home_page
from tests.e2e.helpers import PASSWORD
from tests.factories import UserFactory
from tests.mfa.helpers import totp_code, totp_device_confirmed

pytestmark = pytest.mark.e2e


# Wagtail labels a required field "Title*" (the star is a separate span).
TITLE_LABEL = re.compile(r"^Title\*?$")


def _log_into_admin(page, user):
    """Password in the Wagtail login form, then the real second step: a TOTP code computed from the device's secret."""
    device = totp_device_confirmed(user)
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/security/verify/\?next=%2Fadmin%2F$"))
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _insert_block(page, block_label):
    """Open the StreamField's last "Insert a block" (+) chooser, search for the block and pick it."""
    # The StreamField's own + buttons carry a title; Draftail's in-editor button only an aria-label.
    page.get_by_title("Insert a block", exact=True).last.click()
    search = page.get_by_role("combobox", name="Search options…")
    search.fill(block_label)
    page.get_by_role("option", name=block_label, exact=True).click()
    block = page.get_by_role("region", name=re.compile(rf"^{re.escape(block_label)}\b"))
    expect(block.last).to_be_visible()
    return block.last


def test_instructor_adds_and_publishes_a_lesson_with_two_blocks(page, settings):
    # Wagtail 8 autosaves the editor form every 500 ms of idle time; the first autosave creates
    # the page and turns the form into its edit form. On a loaded machine a Publish click can
    # land while an autosave is in flight and the two race (a second "add" of the same slug).
    # The journey under test is write → publish, so the editor runs without autosave here.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    instructor = UserFactory(roles=[roles.INSTRUCTOR])
    catalog = build_catalog(build_home_page())
    built = build_course(catalog, title="Network Defense Basics", instructors=[instructor], modules=1, lessons=1)
    module = built.modules[0]

    _log_into_admin(page, instructor)

    # From the module's page listing to the "add a lesson" form (a module holds lessons only,
    # so "Add child page" goes straight to the lesson form).
    page.goto(f"/admin/pages/{module.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(module.title)
    page.get_by_role("link", name="Add child page").click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/courses/lessonpage/{module.pk}/$"))
    page.get_by_role("textbox", name=TITLE_LABEL).fill("Reading firewall logs")

    heading = _insert_block(page, "Heading")
    heading.get_by_label(re.compile(r"^Text\*?$")).fill("Where the logs live")
    heading.get_by_label("Level").select_option(label="Section (H2)")

    paragraph = _insert_block(page, "Paragraph")
    editor = paragraph.get_by_role("textbox")
    editor.click()
    editor.press_sequentially("Every dropped packet leaves a line behind.")
    expect(page.locator("form[data-w-autosave-interval-value]")).to_have_count(0)
    # Draftail copies its state into the form's hidden input every 250 ms, not on each key.
    page.wait_for_function(
        "text => [...document.querySelectorAll('form input[type=hidden]')].some(i => i.value.includes(text))",
        arg="Every dropped packet leaves a line behind.",
    )

    # Publish from the footer's action menu (a dropdown next to "Save draft").
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.get_by_role("button", name="More actions").click()
    footer.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"'Reading firewall logs' (created and published|has been published)")
    )

    lesson = LessonPage.objects.get(title="Reading firewall logs")
    assert lesson.live
    assert lesson.get_parent().pk == module.pk
    assert [block.block_type for block in lesson.body] == ["heading", "paragraph"]

    # The public lesson page shows the title and both blocks.
    page.goto(lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading firewall logs")
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", name="Where the logs live", level=2)).to_be_visible()
    expect(article.get_by_text("Every dropped packet leaves a line behind.")).to_be_visible()


def test_instructor_cannot_open_another_instructors_course_in_the_admin(page):
    instructor = UserFactory(roles=[roles.INSTRUCTOR])
    other_instructor = UserFactory(roles=[roles.INSTRUCTOR])
    catalog = build_catalog(build_home_page())
    build_course(catalog, title="My Course", instructors=[instructor], modules=1, lessons=1)
    other = build_course(catalog, title="Someone Else's Course", instructors=[other_instructor], modules=1, lessons=1)

    _log_into_admin(page, instructor)
    page.goto(f"/admin/pages/{other.course.pk}/edit/")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("Sorry, you do not have permission to access this area.")).to_be_visible()
    expect(page.get_by_role("textbox", name=TITLE_LABEL)).to_have_count(0)
