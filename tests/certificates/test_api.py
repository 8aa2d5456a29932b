"""The certificates API: the caller's certificates, public verification, recertify."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.learning.clients import jwt_client, session_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certificates/"


def verify(code: str) -> str:
    return f"/api/v1/certificates/verify/{code}/"


@pytest.fixture
def certificate(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, title="Malware Triage", certificate_validity_months=12)
    return Certificate.objects.get(enrollment=complete_course(student, built))


def test_the_caller_lists_their_certificates(certificate, student):
    response = jwt_client(student).get(LIST)
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "success"
    assert body["meta"]["pagination"]["count"] == 1
    item = body["data"][0]
    assert item["id"] == certificate.pk
    assert item["code"] == certificate.code
    assert item["course"]["title"] == "Malware Triage"
    assert item["snapshot"]["learner_name"] == student.get_display_name()
    assert item["snapshot"]["course_title"] == "Malware Triage"
    assert item["status"] == "valid"
    assert item["is_current"] is True
    assert item["can_recertify"] is False
    assert item["pdf_url"] == f"/certificates/{certificate.pk}/pdf/"
    assert item["verify_url"] == f"http://127.0.0.1:8000/certificates/verify/{certificate.code}/"
    assert item["expires_at"] is not None


def test_the_list_needs_authentication(api_client):
    response = api_client.get(LIST)
    assert response.status_code == 401
    assert response.json()["status"] == "error"


def test_the_list_never_shows_another_learners_certificate(certificate, other_student):
    assert jwt_client(other_student).get(LIST).json()["data"] == []


def test_pdf_url_is_null_while_the_pdf_is_being_prepared(certificate, student):
    Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    assert jwt_client(student).get(f"{LIST}{certificate.pk}/").json()["data"]["pdf_url"] is None


def test_the_caller_reads_one_certificate(certificate, student):
    response = session_client(student).get(f"{LIST}{certificate.pk}/")
    assert response.status_code == 200
    assert response.json()["data"]["code"] == certificate.code


def test_another_learners_certificate_is_not_found(certificate, other_student):
    response = jwt_client(other_student).get(f"{LIST}{certificate.pk}/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_another_learners_pdf_is_not_found_with_a_token_either(certificate, other_student):
    assert jwt_client(other_student).get(f"/certificates/{certificate.pk}/pdf/").status_code in (302, 404)
    client = session_client(other_student)
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404


# --- Verification -------------------------------------------------------------------------------


def test_verification_is_public_and_shows_the_snapshot(api_client, certificate, student):
    response = api_client.get(verify(certificate.code))
    body = response.json()
    assert response.status_code == 200
    data = body["data"]
    assert data["code"] == certificate.code
    assert data["status"] == "valid"
    assert data["is_current"] is True
    assert data["snapshot"]["learner_name"] == student.get_display_name()
    assert data["snapshot"]["course_title"] == "Malware Triage"
    assert data["current"] is None
    assert [entry["code"] for entry in data["history"]] == [certificate.code]
    assert student.email not in response.content.decode()
    assert "user" not in data and "email" not in data


def test_verification_ignores_a_bad_token(certificate, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get(verify(certificate.code)).status_code == 200


def test_a_revoked_certificate_verifies_as_revoked_with_date_and_reason(api_client, certificate, administrator):
    services.certificate_revoke(certificate=certificate, by=administrator, reason="Identity not confirmed")
    data = api_client.get(verify(certificate.code)).json()["data"]
    assert data["status"] == "revoked"
    assert data["revoked_reason"] == "Identity not confirmed"
    assert data["revoked_at"] is not None
    assert data["is_current"] is False


def test_an_expired_certificate_verifies_as_expired(api_client, certificate):
    expired_at = timezone.now() - timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=expired_at)
    data = api_client.get(verify(certificate.code)).json()["data"]
    assert data["status"] == "expired"
    assert data["expires_at"] == expired_at.isoformat().replace("+00:00", "Z")


def test_a_reissued_certificate_names_its_replacement(api_client, certificate, administrator):
    new = services.certificate_reissue(certificate=certificate, by=administrator)
    data = api_client.get(verify(certificate.code)).json()["data"]
    assert data["status"] == "revoked"
    assert data["replaced_by"]["code"] == new.code
    assert data["current"]["code"] == new.code
    assert {entry["code"]: entry["is_current"] for entry in data["history"]} == {
        new.code: True,
        certificate.code: False,
    }


def test_an_unknown_code_is_a_404_with_its_own_code(api_client):
    response = api_client.get(verify("no-such-certificate-code-at-all"))
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "certificate_not_found"


def test_verification_is_throttled_per_address(api_client, certificate, settings):
    from certificates.rest_api.v1.views import CertificateVerifyThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "certificate_verify": "2/min"}
    original = CertificateVerifyThrottle.THROTTLE_RATES
    CertificateVerifyThrottle.THROTTLE_RATES = rates
    try:
        statuses = [api_client.get(verify(certificate.code)).status_code for _ in range(3)]
    finally:
        CertificateVerifyThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 429]


# --- Recertify --------------------------------------------------------------------------------


def test_recertify_is_refused_while_the_certificate_is_far_from_expiry(certificate, student):
    response = jwt_client(student).post(f"{LIST}{certificate.pk}/recertify/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "recertification_not_open"


def test_recertify_on_another_learners_certificate_is_not_found(certificate, other_student):
    assert jwt_client(other_student).post(f"{LIST}{certificate.pk}/recertify/").status_code == 404


def test_recertify_starts_a_new_run_once_the_certificate_expires_soon(certificate, student):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=5))
    response = jwt_client(student).post(f"{LIST}{certificate.pk}/recertify/")
    body = response.json()
    assert response.status_code == 201
    assert body["data"]["run"] == 2
    assert body["data"]["status"] == "active"
    assert body["data"]["course"]["title"] == "Malware Triage"
    again = jwt_client(student).post(f"{LIST}{certificate.pk}/recertify/")
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "recertification_in_progress"
