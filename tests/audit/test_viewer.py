"""The audit trail viewer in the Wagtail admin: administrators only, filters, newest first,
pages, a CSV export whose cells never start a spreadsheet formula; nothing can be changed."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from accounts import roles
from audit.models import AuditEvent
from audit.services import actor_pseudonym, audit_record, identifier_pseudonym
from audit.viewsets import AuditTrailMenuItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/audit-trail/"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def listed(response) -> list[AuditEvent]:
    return list(response.context["object_list"])


def csv_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_administrators_see_the_trail_newest_first(admin_client, student):
    first = audit_record("test.first", actor=student)
    second = audit_record("test.second", actor=student)
    response = admin_client.get(URL)
    assert response.status_code == 200
    rows = [event for event in listed(response) if event.action.startswith("test.")]
    assert rows == [second, first]
    assert b"Audit trail" in response.content


@pytest.mark.parametrize("role", [roles.INSTRUCTOR, roles.STUDENT, roles.MENTOR, roles.CORPORATE_REPRESENTATIVE])
def test_other_roles_are_turned_away_from_the_list_and_the_csv(client, role):
    audit_record("test.secret.event")
    client.force_login(UserFactory(roles=[role]))
    for url in (URL, f"{URL}?export=csv", f"{URL}results/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"test.secret.event" not in response.content


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_superuser_without_the_role_may_view(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 200


def test_the_menu_item_is_shown_to_administrators_only(rf, administrator, instructor):
    item = AuditTrailMenuItem("Audit trail", URL)
    for user, shown in ((administrator, True), (instructor, False)):
        request = rf.get("/admin/")
        request.user = user
        assert item.is_shown(request) is shown


def test_filter_by_actor_email_uses_the_pseudonym_and_finds_failed_logins(admin_client, student, other_student):
    mine = audit_record("test.thing", actor=student)
    audit_record("test.thing", actor=other_student)
    failed = audit_record("auth.login.failure", details={"identifier_ref": identifier_pseudonym(student.email)})
    response = admin_client.get(URL, {"actor": student.email.upper()})
    assert set(listed(response)) >= {mine, failed}
    assert all(
        event.actor_ref == actor_pseudonym(student)
        or event.details.get("identifier_ref") == identifier_pseudonym(student.email)
        for event in listed(response)
    )


def test_filter_by_action_target_and_date(admin_client, student):
    kept = audit_record("test.kept", target=student)
    audit_record("test.other", target=student)
    response = admin_client.get(
        URL,
        {
            "action": "test.kept",
            "target_type": "accounts.user",
            "target_id": str(student.pk),
            "occurred_at_from": timezone.now().date().isoformat(),
            "occurred_at_to": timezone.now().date().isoformat(),
        },
    )
    assert listed(response) == [kept]
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    response = admin_client.get(URL, {"action": "test.kept", "occurred_at_to": yesterday})
    assert listed(response) == []


def test_the_list_is_paginated(admin_client, settings):
    settings.AUDIT_VIEWER_PAGE_SIZE = 5
    for n in range(12):
        audit_record("test.page", details={"n": n})
    first = admin_client.get(URL, {"action": "test.page"})
    third = admin_client.get(URL, {"action": "test.page", "p": 3})
    assert len(listed(first)) == 5 and len(listed(third)) == 2
    assert listed(first)[0].details == {"n": 11}


def test_the_csv_exports_the_filtered_list_and_neutralises_formulas(admin_client, student):
    audit_record("test.csv", target=student, details={"cell": '=HYPERLINK("http://evil")', "plus": "+1"})
    audit_record("test.csv", details={"cell": "@SUM(A1)"})
    audit_record("test.excluded")
    request = {"action": "test.csv", "export": "csv"}
    response = admin_client.get(URL, request)
    rows = csv_of(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "occurred_at", "action"]
    assert [row[2] for row in body] == ["test.csv", "test.csv"]
    details = [row[header.index("details")] for row in body]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)
    assert '"=HYPERLINK' in details[1]


def test_a_csv_cell_starting_with_a_formula_character_gets_a_quote(admin_client):
    audit_record("=cmd|' /C calc'!A0")
    audit_record("-2+3", details={})
    rows = csv_of(admin_client.get(URL, {"export": "csv"}))
    actions = {row[2] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in actions and "'-2+3" in actions


def test_nothing_in_any_admin_adds_changes_or_deletes_audit_rows(admin_client):
    assert AuditEvent not in admin.site._registry
    event = audit_record("test.event")
    for url in (f"{URL}add/", f"{URL}{event.pk}/", f"{URL}edit/{event.pk}/", f"{URL}delete/{event.pk}/"):
        assert admin_client.get(url).status_code == 404
    response = admin_client.post(URL, {"action": "x"})
    assert response.status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
    assert not {perm.split(".")[1].split("_")[0] for perm in _audit_permissions()} - {"view"}


def _audit_permissions():
    from django.contrib.auth.models import Permission

    return [
        f"audit.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True)
    ]


def test_the_administrator_group_has_the_view_permission(administrator, instructor):
    assert administrator.has_perm("audit.view_auditevent")
    assert not instructor.has_perm("audit.view_auditevent")
