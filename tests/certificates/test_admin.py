"""Certificates in the Wagtail admin: administrators list, inspect, revoke and reissue; nobody else."""

import pytest
from django.test import Client

from certificates.models import Certificate, CertificateTemplate

pytestmark = pytest.mark.django_db

INDEX = "/admin/certificates/"


@pytest.fixture
def certificate(make_course, student, complete_course):
    built = make_course(modules=1, lessons=1, title="Cloud Security")
    return Certificate.objects.get(enrollment=complete_course(student, built))


def logged_in(user, *, csrf_checks=False) -> Client:
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def test_an_administrator_lists_certificates(administrator, certificate):
    response = logged_in(administrator).get(INDEX)
    assert response.status_code == 200
    assert certificate.learner_name in response.content.decode()


@pytest.mark.parametrize(("status", "shown"), [("valid", True), ("revoked", False), ("expired", False)])
def test_the_list_filters_by_status(administrator, certificate, status, shown):
    html = logged_in(administrator).get(INDEX, {"status": status}).content.decode()
    assert (certificate.learner_name in html) is shown


def test_the_list_filters_by_course(administrator, certificate, make_course):
    other = make_course(modules=1, lessons=1)
    html = logged_in(administrator).get(INDEX, {"course": other.course.pk}).content.decode()
    assert certificate.learner_name not in html


def test_an_administrator_inspects_a_certificate(administrator, certificate):
    response = logged_in(administrator).get(f"{INDEX}inspect/{certificate.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert certificate.code in html
    assert f"{INDEX}revoke/{certificate.pk}/" in html
    assert f"{INDEX}reissue/{certificate.pk}/" in html


def test_an_administrator_revokes_with_a_reason(administrator, certificate):
    client = logged_in(administrator)
    response = client.post(f"{INDEX}revoke/{certificate.pk}/", {"reason": "Academic misconduct"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Academic misconduct"
    assert certificate.revoked_by == administrator


def test_revoking_without_a_reason_shows_the_form_again(administrator, certificate):
    response = logged_in(administrator).post(f"{INDEX}revoke/{certificate.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_an_administrator_reissues(administrator, certificate):
    response = logged_in(administrator).post(f"{INDEX}reissue/{certificate.pk}/")
    new = Certificate.objects.get(replaces=certificate)
    assert response.status_code == 302
    assert response["Location"] == f"{INDEX}inspect/{new.pk}/"
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Reissued"


def test_reissue_asks_for_confirmation_on_get(administrator, certificate):
    response = logged_in(administrator).get(f"{INDEX}reissue/{certificate.pk}/")
    assert response.status_code == 200
    assert not Certificate.objects.filter(replaces=certificate).exists()


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_the_actions_need_the_csrf_token(administrator, certificate, action):
    client = logged_in(administrator, csrf_checks=True)
    response = client.post(f"{INDEX}{action}/{certificate.pk}/", {"reason": "Because"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_instructors_may_not_revoke_or_reissue(instructor, certificate, action):
    response = logged_in(instructor).post(f"{INDEX}{action}/{certificate.pk}/", {"reason": "Because"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_instructors_do_not_see_the_certificate_list(instructor, certificate):
    response = logged_in(instructor).get(INDEX)
    assert response.status_code in (302, 403)
    assert certificate.code not in response.content.decode()


@pytest.mark.parametrize("path", [INDEX, "inspect/{pk}/", "revoke/{pk}/"])
def test_students_never_reach_the_certificate_admin(student, certificate, path):
    url = path if path.startswith("/") else INDEX + path.format(pk=certificate.pk)
    response = logged_in(student).get(url)
    assert response.status_code in (302, 403)
    assert certificate.code not in response.content.decode()


def test_certificates_cannot_be_edited_or_deleted_in_the_admin(administrator, certificate):
    client = logged_in(administrator)
    assert client.get(f"{INDEX}edit/{certificate.pk}/").status_code in (302, 403)
    assert client.post(f"{INDEX}delete/{certificate.pk}/").status_code in (302, 403)
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_an_administrator_edits_certificate_templates_as_snippets(administrator):
    template = CertificateTemplate.objects.get(course__isnull=True)
    url = f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/"
    response = logged_in(administrator).get(url)
    assert response.status_code == 200
    assert "Certificate of completion" in response.content.decode()


def test_instructors_may_not_edit_certificate_templates(instructor):
    template = CertificateTemplate.objects.get(course__isnull=True)
    url = f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/"
    assert logged_in(instructor).get(url).status_code in (302, 403)
