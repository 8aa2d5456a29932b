"""Roles are the five Django groups; new sign-ups are Students; users are managed in both admins."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts import roles
from accounts.models import User
from accounts.services import user_set_roles

pytestmark = pytest.mark.django_db


def test_the_five_roles_exist_with_exact_names():
    assert set(Group.objects.filter(name__in=roles.ALL_ROLES).values_list("name", flat=True)) == {
        "Student",
        "Instructor",
        "Mentor",
        "Administrator",
        "Corporate Representative",
    }


def test_wagtail_default_groups_are_replaced_by_roles():
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()


def test_instructors_may_enter_the_wagtail_admin_and_students_may_not(instructor, student):
    assert instructor.has_perm("wagtailadmin.access_admin")
    assert not student.has_perm("wagtailadmin.access_admin")


def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Grace.Hopper@Example.org", "a-long-enough-passphrase")
    assert user.email == "grace.hopper@example.org"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username") or user.username is None


def test_display_name_falls_back_to_full_name_then_email():
    user = User(email="kim@example.org")
    assert user.get_display_name() == "kim"
    user.first_name, user.last_name = "Kim", "Lee"
    assert user.get_display_name() == "Kim Lee"
    user.display_name = "KL"
    assert user.get_display_name() == "KL"


def test_user_set_roles_gives_administrators_django_admin_access(student):
    user_set_roles(user=student, role_names=[roles.ADMINISTRATOR])
    student.refresh_from_db()
    assert student.is_staff
    assert list(student.groups.values_list("name", flat=True)) == ["Administrator"]
    user_set_roles(user=student, role_names=[roles.STUDENT])
    student.refresh_from_db()
    assert not student.is_staff


def test_user_set_roles_refuses_unknown_roles(student):
    with pytest.raises(ValueError, match="Wizard"):
        user_set_roles(user=student, role_names=["Wizard"])


def test_signup_creates_a_student_and_sends_a_verification_email(client, home_page):
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "New Learner",
            "email": "new.learner@example.org",
            "password1": "a long passphrase for tests",
            "password2": "a long passphrase for tests",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.learner@example.org")
    assert user.display_name == "New Learner"
    assert user.role_names == ["Student"]
    assert len(mail.outbox) == 1
    assert "confirm" in mail.outbox[0].body.lower()


def test_signup_refuses_a_short_password_and_names_the_field(client, home_page):
    response = client.post(
        "/accounts/signup/",
        {"display_name": "X", "email": "x@example.org", "password1": "short", "password2": "short"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


def test_administrator_manages_users_in_wagtail_admin(client, administrator, student):
    client.force_login(administrator)
    response = client.get("/admin/users/")
    assert response.status_code == 200
    assert student.email.encode() in response.content
    edit = client.get(f"/admin/users/edit/{student.pk}/")
    assert edit.status_code == 200
    assert b"display_name" in edit.content


def test_administrator_changes_roles_in_wagtail_admin(client, administrator, student):
    client.force_login(administrator)
    instructor_group = Group.objects.get(name=roles.INSTRUCTOR)
    response = client.post(
        f"/admin/users/edit/{student.pk}/",
        {
            "email": student.email,
            "first_name": "Sam",
            "last_name": "Student",
            "display_name": "Sam S.",
            "time_zone": "America/New_York",
            "is_active": "on",
            "groups": [instructor_group.pk],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    student.refresh_from_db()
    assert list(student.groups.values_list("name", flat=True)) == ["Instructor"]
    assert student.display_name == "Sam S."
    assert student.time_zone == "America/New_York"


def test_administrator_changes_roles_of_a_site_signup_without_first_and_last_names(client, administrator, student):
    # A sign-up gives a display name only; Wagtail's stock user form would demand first and last
    # names before it saved a role change.
    User.objects.filter(pk=student.pk).update(first_name="", last_name="")
    client.force_login(administrator)
    mentor_group = Group.objects.get(name=roles.MENTOR)
    response = client.post(
        f"/admin/users/edit/{student.pk}/",
        {
            "email": student.email,
            "display_name": student.display_name,
            "time_zone": "UTC",
            "is_active": "on",
            "groups": [mentor_group.pk],
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    student.refresh_from_db()
    assert list(student.groups.values_list("name", flat=True)) == ["Mentor"]
    assert (student.first_name, student.last_name) == ("", "")


def test_administrator_changes_roles_in_django_admin(client, administrator, student):
    client.force_login(administrator)
    mentor_group = Group.objects.get(name=roles.MENTOR)
    response = client.post(
        f"/django-admin/accounts/user/{student.pk}/change/",
        {
            "email": student.email,
            "display_name": student.display_name,
            "first_name": "",
            "last_name": "",
            "time_zone": "UTC",
            "is_active": "on",
            "groups": [mentor_group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    student.refresh_from_db()
    assert list(student.groups.values_list("name", flat=True)) == ["Mentor"]


def test_administrator_manages_users_in_django_admin(client, administrator, student):
    client.force_login(administrator)
    assert client.get("/django-admin/accounts/user/").status_code == 200
    assert client.get(f"/django-admin/accounts/user/{student.pk}/change/").status_code == 200


def test_students_and_instructors_are_kept_out_of_user_management(client, student, instructor):
    client.force_login(instructor)
    assert client.get("/admin/users/").status_code in (302, 403)
    assert client.get("/django-admin/accounts/user/").status_code == 302
    client.force_login(student)
    assert client.get("/admin/").status_code == 302
