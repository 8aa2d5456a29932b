"""Certificate pages: public verification, the learner's PDF download and recertify button."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.certificates.helpers import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, title="Packet Analysis", certificate_validity_months=12)
    return Certificate.objects.get(enrollment=complete_course(student, built))


def verify_url(certificate) -> str:
    return f"/certificates/verify/{certificate.code}/"


# --- Verification --------------------------------------------------------------------------------


def test_anyone_can_verify_a_valid_certificate(client, certificate):
    response = client.get(verify_url(certificate))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert certificate.learner_name in html
    assert "Packet Analysis" in html
    assert certificate.completed_at.strftime("%-d %B %Y") in html


def test_the_verification_page_is_kept_out_of_search_engines(client, certificate):
    response = client.get(verify_url(certificate))
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_the_verification_page_shows_nothing_else_about_the_learner(client, certificate, student):
    html = client.get(verify_url(certificate)).content.decode()
    assert student.email not in html
    assert student.email.split("@")[0] not in html
    assert f"/{student.pk}/" not in html


def test_a_revoked_certificate_verifies_as_revoked_with_date_and_reason(client, certificate, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Exam fraud")
    html = client.get(verify_url(certificate)).content.decode()
    assert 'data-status="revoked"' in html
    assert "Exam fraud" in html
    assert f"revoked on {timezone.now().strftime('%-d %B %Y')}" in html


def test_an_expired_certificate_verifies_as_expired_with_its_date(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() - timedelta(days=3))
    certificate.refresh_from_db()
    html = client.get(verify_url(certificate)).content.decode()
    assert 'data-status="expired"' in html
    assert f"expired on {certificate.expires_at.strftime('%-d %B %Y')}" in html


def test_a_reissued_certificate_points_to_its_replacement(client, certificate, administrator):
    new = services.certificate_reissue(certificate=certificate, by=administrator)
    html = client.get(verify_url(certificate)).content.decode()
    assert 'data-status="revoked"' in html
    assert "Reissued" in html
    assert f'href="/certificates/verify/{new.code}/" data-testid="current-certificate"' in html


@pytest.mark.parametrize("code", ["unknown-code-unknown-code-unknown", "short"])
def test_an_unknown_code_is_a_404_page(client, code):
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- PDF download ---------------------------------------------------------------------------


def test_the_learner_downloads_their_pdf(client, certificate, student):
    client.force_login(student)
    response = client.get(f"/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_downloaded_pdf_is_the_stored_one(client, certificate, student, tmp_path):
    client.force_login(student)
    path = tmp_path / "download.pdf"
    path.write_bytes(b"".join(client.get(f"/certificates/{certificate.pk}/pdf/").streaming_content))
    assert certificate.code in pdf_text(path)


def test_behind_nginx_the_pdf_goes_out_by_x_accel_redirect(client, certificate, student, settings):
    settings.MEDIA_ACCEL_REDIRECT = True
    client.force_login(student)
    response = client.get(f"/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{certificate.pdf.name}"


def test_another_learners_pdf_is_not_found(client, certificate, other_student):
    client.force_login(other_student)
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404


def test_the_pdf_asks_an_anonymous_visitor_to_log_in(client, certificate):
    response = client.get(f"/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_revoked_certificates_pdf_is_not_downloadable(client, certificate, student, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Fraud")
    client.force_login(student)
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404


def test_a_pdf_not_rendered_yet_is_not_found(client, certificate, student):
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    client.force_login(student)
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404


# --- Dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_lists_the_certificate_with_pdf_and_verification_links(client, certificate, student):
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="dashboard-certificates"' in html
    assert f'href="/certificates/{certificate.pk}/pdf/"' in html
    assert f'href="/certificates/verify/{certificate.code}/"' in html
    assert 'data-testid="certificate-recertify"' not in html


def test_the_dashboard_says_the_pdf_is_being_prepared_until_it_exists(client, certificate, student):
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert 'data-testid="certificate-pdf-pending"' in html
    assert f'href="/certificates/{certificate.pk}/pdf/"' not in html


def test_the_dashboard_offers_recertification_when_the_certificate_expires_soon(client, certificate, student):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=10))
    client.force_login(student)
    html = client.get("/dashboard/").content.decode()
    assert f'action="/certificates/{certificate.pk}/recertify/"' in html


def test_the_dashboard_hides_other_learners_certificates(client, certificate, other_student):
    client.force_login(other_student)
    html = client.get("/dashboard/").content.decode()
    assert certificate.code not in html
    assert 'data-testid="dashboard-certificate"' not in html


# --- Recertify (site) -------------------------------------------------------------------------


def test_recertifying_before_the_window_opens_is_refused_with_a_message(client, certificate, student):
    client.force_login(student)
    response = client.post(f"/certificates/{certificate.pk}/recertify/", follow=True)
    assert "Recertification opens when" in response.content.decode()


def test_recertifying_another_learners_certificate_is_not_found(client, certificate, other_student):
    client.force_login(other_student)
    assert client.post(f"/certificates/{certificate.pk}/recertify/").status_code == 404


def test_recertify_is_post_only(client, certificate, student):
    client.force_login(student)
    assert client.get(f"/certificates/{certificate.pk}/recertify/").status_code == 405
