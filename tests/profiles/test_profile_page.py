"""/accounts/profile/: the learner's own personal details page."""

import pytest
from django.test import Client
from django.urls import reverse

from profiles.models import LearnerProfile
from tests.profiles.conftest import CANARY_VALUES, raw_profile_row

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"

FORM_DATA = {
    "phone": "+44 20 7946 0958",
    "date_of_birth": "1992-04-03",
    "military_branch": "navy",
    "military_status": "veteran",
    "separation_date": "2020-06-30",
    "skillbridge_eligible": "false",
    "skillbridge_installation": "",
    "skillbridge_unit": "",
    "skillbridge_poc_name": "",
    "skillbridge_poc_email": "",
    "skillbridge_start_date": "",
    "skillbridge_end_date": "",
    "skillbridge_notes": "",
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_url_name_is_profiles_edit():
    assert reverse("profiles:edit") == URL


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_renders_in_the_site_layout_without_creating_a_profile(student):
    response = logged_in(student).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="auth-title">Personal details</h1>' in html
    assert 'class="site-header"' in html  # base.html
    assert 'type="date"' in html and 'type="tel"' in html
    assert not LearnerProfile.objects.filter(user=student).exists()


def test_the_page_is_never_cached(student):
    assert "no-store" in logged_in(student).get(URL)["Cache-Control"]


def test_a_learner_saves_their_details_encrypted(student):
    response = logged_in(student).post(URL, FORM_DATA)
    assert response.status_code == 302
    assert response["Location"] == URL
    profile = LearnerProfile.objects.get(user=student)
    assert profile.phone == "+44 20 7946 0958"
    assert profile.military_status == "veteran"
    assert profile.skillbridge_eligible is False
    assert raw_profile_row(profile.pk)["phone"].startswith("enc1:")
    follow = logged_in(student).get(URL).content.decode()
    assert 'value="+44 20 7946 0958"' in follow and 'value="1992-04-03"' in follow


def test_the_page_shows_only_the_signed_in_users_details(student, other_student, full_profile):
    html = logged_in(other_student).get(URL).content.decode()
    assert CANARY_VALUES["skillbridge_installation"] not in html
    assert CANARY_VALUES["skillbridge_installation"] in logged_in(student).get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"phone": "12345"}, "phone", "Enter a phone number"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "must be in the past"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "Check the year"),
        ({"separation_date": "1980-01-01"}, "separation_date", "after the date of birth"),
        (
            {"skillbridge_start_date": "2020-05-01", "skillbridge_end_date": "2020-04-01"},
            "skillbridge_end_date",
            "cannot end before it starts",
        ),
        (
            {"skillbridge_start_date": "2020-05-01", "skillbridge_end_date": "2020-08-01"},
            "skillbridge_end_date",
            "on or before the separation date",
        ),
        ({"skillbridge_poc_email": "not-an-email"}, "skillbridge_poc_email", "valid email"),
        ({"military_status": "general"}, "military_status", "Select a valid choice"),
    ],
)
def test_invalid_details_are_refused_and_the_error_names_the_field(student, changes, field, message):
    response = logged_in(student).post(URL, {**FORM_DATA, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html  # the message sits under that field
    assert not LearnerProfile.objects.filter(user=student).exists()


def test_a_learner_younger_than_thirteen_is_refused(student):
    from django.utils import timezone

    response = logged_in(student).post(
        URL, {**FORM_DATA, "date_of_birth": timezone.localdate().replace(day=1).isoformat()}
    )
    assert "at least 13 years old" in " ".join(response.context["form"].errors["date_of_birth"])


def test_saving_requires_the_csrf_token(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post(URL, FORM_DATA).status_code == 403
    assert not LearnerProfile.objects.filter(user=student).exists()


def test_other_methods_are_not_allowed(student):
    assert logged_in(student).put(URL).status_code == 405
