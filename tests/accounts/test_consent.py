"""Consent: the terms and privacy policy accepted at signup and again for a new version; marketing apart."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from profiles.consent import legal_documents_to_accept, marketing_consent_current
from profiles.consent_models import ConsentRecord, LegalDocument
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _publish(kind, version, *, effective_at=None):
    return LegalDocument.objects.create(
        kind=kind,
        version=version,
        title=f"{kind} {version}",
        body=f"<p>{kind} text {version}</p>",
        effective_at=effective_at or timezone.now() - timedelta(seconds=1),
    )


@pytest.fixture
def documents(db):
    return _publish(LegalDocument.Kind.TERMS, "1.0"), _publish(LegalDocument.Kind.PRIVACY, "1.0")


def _signup(client, email="new@example.org", **extra):
    data = {"display_name": "New Person", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(extra)
    return client.post(reverse("account_signup"), data, REMOTE_ADDR="198.51.100.7")


def test_signup_refused_without_accepting(client, documents):
    response = _signup(client)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Please accept the terms of service to continue." in body
    assert "Please accept the privacy policy to continue." in body
    assert not ConsentRecord.objects.exists()


def test_signup_records_each_acceptance_with_version_time_and_address(client, documents):
    terms, privacy = documents
    before = timezone.now()

    response = _signup(client, accept_terms="on", accept_privacy="on")

    assert response.status_code == 302
    records = ConsentRecord.objects.filter(user__email="new@example.org").order_by("kind")
    assert [(r.kind, r.document, r.version, r.ip, r.granted) for r in records] == [
        ("privacy", privacy, "1.0", "198.51.100.7", True),
        ("terms", terms, "1.0", "198.51.100.7", True),
    ]
    assert all(r.accepted_at >= before for r in records)
    # Marketing is separate and off unless ticked.
    assert not marketing_consent_current(records[0].user)


def test_signup_with_marketing_records_it_apart(client, documents):
    _signup(client, accept_terms="on", accept_privacy="on", marketing="on")

    record = ConsentRecord.objects.get(user__email="new@example.org", kind="marketing")
    assert record.granted and record.document is None


def test_signup_form_links_each_document(client, documents):
    body = client.get(reverse("account_signup")).content.decode()
    assert reverse("consent:document", args=["terms"]) in body
    assert reverse("consent:document", args=["privacy"]) in body
    assert "(version 1.0)" in body


def test_document_page_shows_the_version_in_force(client, documents):
    _publish(LegalDocument.Kind.TERMS, "2.0", effective_at=timezone.now() + timedelta(days=3))  # not yet

    response = client.get(reverse("consent:document", args=["terms"]))

    assert response.status_code == 200
    assert "terms text 1.0" in response.content.decode()


# --- A new version is asked for at the next sign-in, staff included ------------------------------


def _login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", [roles.STUDENT, roles.ADMINISTRATOR])
def test_new_version_is_asked_before_anything_else(client, documents, role):
    user = UserFactory(roles=[role])  # accepted 1.0
    assert legal_documents_to_accept(user) == []
    new_terms = _publish(LegalDocument.Kind.TERMS, "2.0")
    client.force_login(user)

    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consent:accept"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "version 2.0" in page.content.decode()
    assert "privacy" not in [d.kind for d in page.context["documents"]]

    accepted = client.post(reverse("consent:accept"), {"accept_terms": "on", "next": "/dashboard/"})

    assert accepted.status_code == 302 and accepted["Location"] == "/dashboard/"
    assert ConsentRecord.objects.filter(user=user, document=new_terms).exists()
    assert client.get("/dashboard/").status_code == 200


def test_accept_page_requires_the_box(client, documents):
    user = UserFactory()
    _publish(LegalDocument.Kind.PRIVACY, "2.0")
    client.force_login(user)

    response = client.post(reverse("consent:accept"), {})

    assert response.status_code == 200
    assert "Please accept the privacy policy to continue." in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_pending_terms_block_the_wagtail_admin_too(client, documents):
    admin = UserFactory(roles=[roles.ADMINISTRATOR], is_staff=True, is_superuser=True)
    _publish(LegalDocument.Kind.TERMS, "2.0")
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("consent:accept"))


def test_site_login_marks_the_session(client, documents):
    user = UserFactory(consented=False)

    _login(client, user)

    assert client.get("/dashboard/")["Location"].startswith(reverse("consent:accept"))


def test_logout_and_the_documents_stay_reachable(client, documents):
    user = UserFactory(consented=False)
    client.force_login(user)

    assert client.get(reverse("consent:document", args=["terms"])).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_accept_next_must_be_local(client, documents):
    user = UserFactory(consented=False)
    client.force_login(user)

    response = client.post(
        reverse("consent:accept"), {"accept_terms": "on", "accept_privacy": "on", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_no_document_published_nothing_asked(client):
    user = UserFactory(consented=False)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200


def test_a_version_people_accepted_cannot_be_rewritten(documents):
    terms, _ = documents
    UserFactory()  # accepts 1.0
    terms.body = "<p>something else</p>"

    with pytest.raises(ValidationError):
        terms.full_clean()


# --- Marketing -------------------------------------------------------------------------------------


def test_marketing_toggle_records_each_change_with_time(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("consent:marketing")

    assert "You do not receive news" in client.get(url).content.decode()
    client.post(url, {"marketing": "on"})
    client.post(url, {"marketing": "on"})  # no change: no record
    client.post(url, {})

    records = list(ConsentRecord.objects.filter(user=user, kind="marketing").order_by("accepted_at", "pk"))
    assert [r.granted for r in records] == [True, False]
    assert records[0].accepted_at <= records[1].accepted_at
    assert records[0].ip == "127.0.0.1"
    assert not marketing_consent_current(user)


def test_marketing_page_is_linked_from_the_account_page(client):
    client.force_login(UserFactory())
    assert reverse("consent:marketing") in client.get(reverse("account_overview")).content.decode()


def test_legal_documents_admin_for_administrators_only(client, administrator, instructor):
    client.force_login(administrator)
    assert client.get("/admin/legal-documents/").status_code == 200
    response = client.post(
        "/admin/legal-documents/new/",
        {
            "kind": "terms",
            "version": "3.0",
            "title": "Terms",
            "effective_at": timezone.now().strftime("%Y-%m-%d %H:%M"),
            "body": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Be nice.", "depth": 0, '
            '"inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}',
            "url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LegalDocument.objects.filter(version="3.0").exists()

    client.force_login(instructor)
    assert client.get("/admin/legal-documents/").status_code in (302, 403)
