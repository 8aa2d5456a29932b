"""A learner takes a quiz in the browser, completes the course and downloads the certificate."""

import re
import subprocess

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts import roles
from certificates.models import Certificate
from learning import services as learning_services
from tests.assessments.builders import build_quiz, choices, place, question
from tests.builders import build_catalog, build_course, build_home_page
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("celery_inline")]


def test_learner_passes_a_quiz_and_downloads_the_certificate(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    learner = UserFactory(roles=[roles.STUDENT], display_name="Ada Lovelace")
    EmailAddress.objects.update_or_create(
        user=learner, email=learner.email, defaults={"verified": True, "primary": True}
    )
    catalog = build_catalog(build_home_page())
    built = build_course(catalog, title="Incident Response 101", modules=1, lessons=1)
    quiz = build_quiz(
        title="Triage check",
        questions=[
            question(
                "single_choice",
                block_id="first",
                prompt="<p>What do you do first with a new alert?</p>",
                choices=choices(("Triage it", True), ("Delete it", False)),
            ),
            question(
                "numeric", block_id="port", prompt="<p>Which port does HTTPS use?</p>", answer="443", tolerance="0"
            ),
            question("true_false", block_id="logs", prompt="<p>Logs are evidence.</p>", correct="true"),
        ],
    )
    lesson = place(built.lessons[0], quiz)
    learning_services.enrollment_create(user=learner, course=built.course)

    log_in(page, learner)
    page.goto(lesson.url)
    expect(page.get_by_test_id("mark-complete")).to_have_count(0)  # the quiz decides completion
    page.get_by_role("link", name="Go to the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage check")
    page.get_by_role("button", name="Start the quiz").click()

    form = page.get_by_test_id("attempt-form")
    form.get_by_label("Triage it").check()
    form.get_by_role("textbox", name="Your answer (a number)").fill("443")
    # Autosave: the answers reach the server before the submit.
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Saved at")
    form.get_by_label("True", exact=True).check()
    expect(page.get_by_test_id("autosave-status")).to_contain_text("Saved at")
    page.reload()  # a reload resumes with what was saved
    expect(page.get_by_test_id("attempt-form").get_by_label("Triage it")).to_be_checked()
    page.get_by_test_id("attempt-submit").click()

    result = page.get_by_test_id("attempt-result")
    expect(result).to_contain_text("100%")
    expect(result).to_contain_text("Passed")

    page.goto("/dashboard/")
    certificates = page.get_by_test_id("dashboard-certificates")
    expect(certificates).to_contain_text("Incident Response 101")
    certificate = Certificate.objects.get(user=learner)
    with page.expect_download() as download_info:
        certificates.get_by_test_id("certificate-pdf").click()
    path = tmp_path / "certificate.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
    assert "Ada Lovelace" in text
    assert "Incident Response 101" in text
    assert certificate.code in re.sub(r"\s+", "", text)

    # A stranger verifies it.
    page.context.clear_cookies()
    page.goto(f"/certificates/verify/{certificate.code}/")
    expect(page.get_by_role("main")).to_contain_text("Ada Lovelace")
    expect(page.get_by_role("main")).to_contain_text(re.compile("valid", re.IGNORECASE))
