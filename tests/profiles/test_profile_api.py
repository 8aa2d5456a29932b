"""GET/PATCH /api/v1/me/profile/: the signed-in user's own personal details."""

import pytest

from profiles.models import LearnerProfile
from tests.learning.clients import jwt_client, session_client
from tests.profiles.conftest import CANARY_VALUES, raw_profile_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/profile/"


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.patch(URL, {"phone": "+1 202 555 0100"}).status_code == 401


def test_a_user_without_a_profile_gets_empty_details_and_no_row(student):
    response = jwt_client(student).get(URL)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["phone"] == "" and data["date_of_birth"] is None and data["updated_at"] is None
    assert not LearnerProfile.objects.filter(user=student).exists()


def test_get_returns_the_decrypted_details(full_profile, student):
    data = jwt_client(student).get(URL).json()["data"]
    assert data["phone"] == CANARY_VALUES["phone"]
    assert data["date_of_birth"] == "1987-05-17"
    assert data["skillbridge_eligible"] is True
    assert data["skillbridge_notes"] == CANARY_VALUES["skillbridge_notes"]


def test_the_response_is_never_cached(student):
    assert "no-store" in jwt_client(student).get(URL)["Cache-Control"]


def test_patch_creates_and_updates_only_the_given_fields(student):
    client = jwt_client(student)
    response = client.patch(URL, {"phone": "+1 202 555 0100", "date_of_birth": "1990-02-03"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["phone"] == "+1 202 555 0100"
    client.patch(URL, {"military_status": "reserve"}, format="json")
    profile = LearnerProfile.objects.get(user=student)
    assert (profile.phone, profile.military_status) == ("+1 202 555 0100", "reserve")
    assert raw_profile_row(profile.pk)["military_status"].startswith("enc1:")


def test_patch_by_session_needs_the_csrf_token(student):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.patch(URL, {"phone": "+1 202 555 0100"}, format="json").status_code == 403
    assert session_client(student).patch(URL, {"phone": "+1 202 555 0100"}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "abc"}, "phone"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"military_branch": "starfleet"}, "military_branch"),
        ({"skillbridge_start_date": "2030-05-01", "skillbridge_end_date": "2030-01-01"}, "skillbridge_end_date"),
    ],
)
def test_invalid_details_answer_400_naming_the_field(student, payload, field):
    response = jwt_client(student).patch(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert field in [error["field"] for error in body["errors"]]
    assert not LearnerProfile.objects.filter(user=student).exists()


def test_the_user_cannot_be_reassigned_by_mass_assignment(student, other_student):
    response = jwt_client(student).patch(URL, {"user": other_student.pk, "phone": "+1 202 555 0100"}, format="json")
    assert response.status_code == 200
    assert LearnerProfile.objects.get(phone__isnull=False, user=student)
    assert not LearnerProfile.objects.filter(user=other_student).exists()


def test_put_and_delete_are_not_allowed(student):
    client = jwt_client(student)
    assert client.put(URL, {}, format="json").status_code == 405
    assert client.delete(URL).status_code == 405


def test_another_users_details_are_never_returned(full_profile, other_student):
    data = jwt_client(other_student).get(URL).json()["data"]
    assert CANARY_VALUES["phone"] not in str(data)
