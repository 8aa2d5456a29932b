"""Learner profiles in the Wagtail admin: administrators only."""

import pytest
from django.test import Client

from profiles.models import LearnerProfile
from tests.profiles.conftest import CANARY_VALUES

pytestmark = pytest.mark.django_db

INDEX = "/admin/profiles/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_data(**overrides) -> dict:
    data = {name: "" for name in CANARY_VALUES}
    data.update({"phone": "+1 202 555 0199", "date_of_birth": "1980-01-02", "skillbridge_eligible": "null"})
    data.update(overrides)
    return data


def test_an_administrator_lists_profiles_without_personal_values(administrator, full_profile, student):
    response = logged_in(administrator).get(INDEX)
    html = response.content.decode()
    assert response.status_code == 200
    assert student.email in html or str(student) in html
    assert CANARY_VALUES["phone"] not in html


def test_an_administrator_sees_and_edits_a_profile(administrator, full_profile):
    client = logged_in(administrator)
    url = f"{INDEX}edit/{full_profile.pk}/"
    assert CANARY_VALUES["skillbridge_installation"] in client.get(url).content.decode()
    response = client.post(url, edit_data(skillbridge_installation="Naval Station Norfolk"))
    assert response.status_code == 302, response.content.decode()[:2000]
    full_profile.refresh_from_db()
    assert full_profile.skillbridge_installation == "Naval Station Norfolk"
    assert full_profile.phone == "+1 202 555 0199"


def test_admin_edits_are_validated(administrator, full_profile):
    response = logged_in(administrator).post(f"{INDEX}edit/{full_profile.pk}/", edit_data(phone="nope"))
    assert response.status_code == 200
    full_profile.refresh_from_db()
    assert full_profile.phone == CANARY_VALUES["phone"]


def test_an_administrator_adds_a_profile_for_a_learner_without_one(administrator, other_student):
    response = logged_in(administrator).post(f"{INDEX}new/", edit_data(user=other_student.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LearnerProfile.objects.get(user=other_student).phone == "+1 202 555 0199"


@pytest.fixture
def staff_without_admin_role(db):
    """Instructor and mentor: they reach the admin for their own work, not profiles."""
    from accounts import roles
    from tests.factories import UserFactory

    return [UserFactory(roles=[role]) for role in (roles.INSTRUCTOR, roles.MENTOR)]


def test_other_staff_roles_are_refused_with_403(staff_without_admin_role, full_profile):
    for user in staff_without_admin_role:
        client = logged_in(user)
        for url in (INDEX, f"{INDEX}edit/{full_profile.pk}/", f"{INDEX}new/", f"{INDEX}history/{full_profile.pk}/"):
            response = client.get(url)
            assert response.status_code == 403, (user.role_names, url)
            assert CANARY_VALUES["phone"] not in response.content.decode()
        assert client.post(f"{INDEX}edit/{full_profile.pk}/", edit_data()).status_code == 403
    full_profile.refresh_from_db()
    assert full_profile.phone == CANARY_VALUES["phone"]


@pytest.mark.parametrize("role", ["Student", "Corporate Representative"])
def test_users_without_admin_access_cannot_reach_profiles(role, full_profile):
    from tests.factories import UserFactory

    client = logged_in(UserFactory(roles=[role]))
    response = client.get(f"{INDEX}edit/{full_profile.pk}/")
    assert response.status_code in (302, 403)  # no admin access at all: Wagtail sends them away
    assert CANARY_VALUES["phone"] not in response.content.decode()
    client.post(f"{INDEX}edit/{full_profile.pk}/", edit_data())
    full_profile.refresh_from_db()
    assert full_profile.phone == CANARY_VALUES["phone"]


def test_the_menu_item_is_shown_to_administrators_only(administrator, instructor):
    assert INDEX in logged_in(administrator).get("/admin/").content.decode()
    assert INDEX not in logged_in(instructor).get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_the_admin_login(client, full_profile):
    response = client.get(f"{INDEX}edit/{full_profile.pk}/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_administrators_cannot_delete_a_profile_here(administrator, full_profile):
    logged_in(administrator).post(f"{INDEX}delete/{full_profile.pk}/")
    assert LearnerProfile.objects.filter(pk=full_profile.pk).exists()
