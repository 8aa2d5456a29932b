"""Expiry reminders: emailed once per certificate, before expiry, to the current certificate only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificate_expiry_reminders
from tests.certificates.helpers import certificate_rows

pytestmark = pytest.mark.django_db


def expiring_in(certificate: Certificate, days: float) -> Certificate:
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() + timedelta(days=days))
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def certificate(make_course, student):
    return certificate_rows(student, make_course(modules=1, lessons=1, title="SOC Operations").course, 1)[0]


def test_a_learner_is_reminded_within_the_window(certificate, student):
    expiring_in(certificate, 20)
    assert certificate_expiry_reminders.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email]
    assert "SOC Operations" in message.subject
    assert "/dashboard/" in message.body
    certificate.refresh_from_db()
    assert certificate.reminded_at is not None


def test_a_learner_is_reminded_only_once(certificate):
    expiring_in(certificate, 20)
    services.certificate_expiry_reminders_send()
    services.certificate_expiry_reminders_send()
    assert len(mail.outbox) == 1


def test_no_reminder_before_the_window(certificate):
    expiring_in(certificate, 31)
    assert services.certificate_expiry_reminders_send() == 0
    assert mail.outbox == []


def test_the_window_follows_the_setting(certificate, settings):
    settings.CERTIFICATE_REMINDER_DAYS = 60
    expiring_in(certificate, 45)
    assert services.certificate_expiry_reminders_send() == 1


def test_no_reminder_for_an_expired_revoked_or_everlasting_certificate(make_course, student, administrator):
    expired, revoked, everlasting = (
        certificate_rows(student, make_course(modules=1, lessons=1).course, 1)[0] for _ in range(3)
    )
    expiring_in(expired, -1)
    expiring_in(revoked, 10)
    services.certificate_revoke(certificate=revoked, by=administrator, reason="Fraud")
    Certificate.objects.filter(pk=everlasting.pk).update(expires_at=None)
    assert services.certificate_expiry_reminders_send() == 0
    assert mail.outbox == []


def test_no_reminder_for_an_earlier_run_once_a_newer_certificate_exists(make_course, student):
    older, _newer = certificate_rows(student, make_course(modules=1, lessons=1).course, 2, validity_days=None)
    expiring_in(older, 10)
    assert services.certificate_expiry_reminders_send() == 0
    older.refresh_from_db()
    assert older.reminded_at is not None  # settled: never considered again


def test_a_failed_send_is_tried_again_next_time(certificate, monkeypatch):
    expiring_in(certificate, 10)

    def broken_send(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "send_mail", broken_send)
    assert services.certificate_expiry_reminders_send() == 0
    certificate.refresh_from_db()
    assert certificate.reminded_at is None
    monkeypatch.undo()
    assert services.certificate_expiry_reminders_send() == 1


def test_one_failed_send_does_not_stop_the_others(make_course, student, other_student, monkeypatch):
    failing = expiring_in(certificate_rows(student, make_course(modules=1, lessons=1).course, 1)[0], 10)
    fine = expiring_in(certificate_rows(other_student, make_course(modules=1, lessons=1).course, 1)[0], 10)
    real_send = services.send_mail

    def send_failing_for_one(subject, body, sender, recipients):
        if recipients == [student.email]:
            raise ConnectionRefusedError("mailbox unavailable")
        return real_send(subject, body, sender, recipients)

    monkeypatch.setattr(services, "send_mail", send_failing_for_one)
    assert services.certificate_expiry_reminders_send() == 1
    assert [message.to for message in mail.outbox] == [[other_student.email]]
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert failing.reminded_at is None
    assert fine.reminded_at is not None


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certificates.certificate_expiry_reminders" in tasks
