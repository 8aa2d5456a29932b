"""The certificate PDF: its text, its template, the task, and the locked-down URL fetcher."""

import socket
import urllib.request
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates import pdf, services
from certificates.models import Certificate, CertificateTemplate
from certificates.tasks import certificate_render_pdf
from tests.certificates.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(student):
    student.display_name = "Ada Lovelace"
    student.save()
    return student


def test_the_pdf_carries_name_course_and_code(make_course, learner, complete_course):
    built = make_course(modules=1, lessons=1, title="Threat Hunting Basics", estimated_hours=8)
    certificate = Certificate.objects.get(enrollment=complete_course(learner, built))

    assert certificate.pdf, "the task rendered and stored the PDF after commit"
    text = pdf_text(certificate.pdf.path)
    assert "Ada Lovelace" in text
    assert "Threat Hunting Basics" in text
    assert certificate.code in text


def test_the_pdf_is_stored_outside_the_public_media_urls(make_course, learner, complete_course):
    certificate = Certificate.objects.get(enrollment=complete_course(learner, make_course(modules=1, lessons=1)))
    assert certificate.pdf.name.startswith("certificates/")
    assert certificate.code not in certificate.pdf.name


def test_rendering_again_keeps_the_stored_pdf(make_course, learner, complete_course, monkeypatch):
    certificate = Certificate.objects.get(enrollment=complete_course(learner, make_course(modules=1, lessons=1)))
    stored = certificate.pdf.name
    monkeypatch.setattr(pdf, "certificate_pdf_bytes", lambda *args, **kwargs: pytest.fail("rendered twice"))

    assert certificate_render_pdf.delay(certificate.pk).get() is True

    certificate.refresh_from_db()
    assert certificate.pdf.name == stored


def test_the_task_for_a_missing_certificate_does_nothing():
    assert certificate_render_pdf.delay(999_999).get() is False


def test_the_course_template_wins_over_the_default(make_course, learner):
    built = make_course(modules=1, lessons=1)
    CertificateTemplate.objects.create(name="Course", course=built.course, heading="Statement of Attainment")
    assert pdf.certificate_template_for(built.course).heading == "Statement of Attainment"
    other = make_course(modules=1, lessons=1)
    assert pdf.certificate_template_for(other.course).name == "Default"


def test_template_placeholders_are_filled_and_escaped(make_course, learner, complete_course):
    built = make_course(modules=1, lessons=1, title="Forensics")
    CertificateTemplate.objects.create(
        name="Course", course=built.course, body="Awarded to {name} for {course}, code {code}. {unknown} stays."
    )
    certificate = Certificate.objects.get(enrollment=complete_course(learner, built))
    html = pdf.certificate_html(certificate).html
    assert f"Awarded to Ada Lovelace for Forensics, code {certificate.code}. {{unknown}} stays." in html


def test_an_unknown_placeholder_is_refused_in_the_admin_form():
    template = CertificateTemplate(name="Bad", body="Hello {name.__class__} {nam}")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "body" in error.value.message_dict


def test_the_accent_colour_must_be_a_hex_colour():
    template = CertificateTemplate(name="Bad", accent_colour="red;}")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "accent_colour" in error.value.message_dict


def test_a_second_default_template_is_refused():
    with pytest.raises(ValidationError):
        CertificateTemplate(name="Another default").full_clean()


# --- The locked fetcher ----------------------------------------------------------------------


class RecordingFetcher(pdf.StaticAssetFetcher):
    def __init__(self):
        super().__init__()
        self.requested: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        response = super().fetch(url, headers)
        self.served.append(url)
        return response


@pytest.fixture
def no_io_outside_static(monkeypatch):
    """Fail the test if anything opens a URL or a socket while rendering."""
    opened = []

    def refuse_open(self, *args, **kwargs):
        opened.append(args)
        raise AssertionError("urllib opened a URL")

    def refuse_socket(*args, **kwargs):
        opened.append(args)
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse_open)
    monkeypatch.setattr(socket, "create_connection", refuse_socket)
    return opened


@pytest.mark.parametrize(
    "hostile",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        "<style>@import url(file:///etc/passwd);</style>",
    ],
)
def test_hostile_learner_and_template_text_makes_no_fetch(make_course, student, hostile, no_io_outside_static):
    student.display_name = f"Mallory {hostile}"
    student.save()
    built = make_course(modules=1, lessons=1, title=f"Course {hostile}")
    CertificateTemplate.objects.create(
        name="Hostile", course=built.course, heading=hostile, body=f"{{name}} {hostile}", signatory_name=hostile
    )
    from tests.certificates.helpers import complete_course

    enrollment = complete_course(student, built)
    certificate = services.certificate_issue(enrollment=enrollment)
    fetcher = RecordingFetcher()

    content = pdf.certificate_pdf_bytes(certificate, fetcher=fetcher)

    assert content.startswith(b"%PDF")
    assert all(url.startswith("static:") for url in fetcher.requested), fetcher.requested
    assert fetcher.served == ["static:certificates/certificate.css", "static:img/logo.svg"]
    assert no_io_outside_static == []


def test_markup_that_reaches_the_html_still_cannot_fetch(no_io_outside_static):
    """Second lock: even if a template let markup through, the fetcher refuses it."""
    from weasyprint import HTML

    fetcher = RecordingFetcher()
    html = """<html><head><link rel="stylesheet" href="http://127.0.0.1:9/a.css">
        <style>@import url("file:///etc/passwd"); body { background: url(data:image/png;base64,iVBORw0KGgo=) }</style>
        </head><body><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x">
        <img src="ftp://127.0.0.1/x"><img src="static:../../../etc/passwd"><img src="/etc/passwd">
        <img src="static:certificates/certificate.css.exe"></body></html>"""

    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()

    assert fetcher.served == []
    assert "http://127.0.0.1:9/a.css" in fetcher.requested
    assert "file:///etc/passwd" in fetcher.requested
    assert no_io_outside_static == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/logo.png",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x",
        "static:../settings.py",
        "static:certificates/../../lms_site/settings/base.py",
        "static:/etc/passwd.css",
        "static:certificates/missing.css",
        "static:js/site.js",
        "/static/img/logo.svg",
        "img/logo.svg",
    ],
)
def test_the_fetcher_refuses_everything_but_static_assets(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.StaticAssetFetcher().fetch(url)


def test_the_fetcher_serves_a_static_asset():
    response = pdf.StaticAssetFetcher().fetch("static:img/logo.svg")
    assert response.content_type == "image/svg+xml"
    assert response.read().lstrip().startswith(b"<svg")


def test_the_sweep_queues_pdfs_whose_task_was_lost(make_course, learner, complete_course):
    certificate = Certificate.objects.get(enrollment=complete_course(learner, make_course(modules=1, lessons=1)))
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", issued_at=timezone.now() - timedelta(hours=1))

    assert services.certificate_pdfs_missing_requeue() == 1

    certificate.refresh_from_db()
    assert certificate.pdf
    assert services.certificate_pdfs_missing_requeue() == 0


def test_the_sweep_leaves_fresh_and_revoked_certificates_alone(make_course, learner, complete_course, administrator):
    certificate = Certificate.objects.get(enrollment=complete_course(learner, make_course(modules=1, lessons=1)))
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    assert services.certificate_pdfs_missing_requeue() == 0
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Fraud")
    assert services.certificate_pdfs_missing_requeue(moment=timezone.now() + timedelta(hours=1)) == 0
