"""Proctored exams: the integrity statement, one session, integrity events and the proctor's review."""

import pytest
from django.core.exceptions import ValidationError

from accounts import roles
from assessments import proctoring, services
from assessments.exceptions import AttemptClosed, ExamSessionActive, IntegrityStatementRequired
from assessments.models import Attempt, IntegrityEvent
from assessments.permissions import can_proctor, proctor_queue_for
from learning import services as learning_services
from learning.models import Enrollment, LessonProgress
from tests.assessments.builders import build_quiz, place
from tests.assessments.proctoring_builders import enroll_and_pass, exam_pass, exam_start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = IntegrityEvent.Kind


@pytest.fixture
def proctor(db):
    return UserFactory(roles=[roles.MENTOR])


@pytest.fixture
def attempt(enrolled, exam):
    return exam_start(enrolled, exam)


@pytest.fixture
def submitted(enrolled, exam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return exam_pass(enrolled, exam)


def kinds_of(attempt) -> list[str]:
    return list(IntegrityEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))


def record(attempt, kind=Kind.TAB_HIDDEN, *, session_key="s1", ip="10.0.0.1", user_agent="UA", details=None):
    return proctoring.integrity_event_record(
        attempt=Attempt.objects.get(pk=attempt.pk),
        kind=kind,
        ip=ip,
        user_agent=user_agent,
        details=details,
        session_key=session_key,
    )


# --- starting ----------------------------------------------------------------------------------


def test_starting_an_exam_without_accepting_the_integrity_statement_is_refused(enrolled, exam):
    with pytest.raises(IntegrityStatementRequired):
        services.attempt_start(user=enrolled, quiz=exam, session_key="s1", ip="10.0.0.1", user_agent="UA")
    assert not Attempt.objects.exists()


def test_an_exam_attempt_starts_pending_review_with_its_session_address_and_browser(attempt):
    assert attempt.review_status == Attempt.ReviewStatus.PENDING
    assert (attempt.session_key, attempt.start_ip, attempt.start_user_agent) == ("s1", "10.0.0.1", "UA")
    assert kinds_of(attempt) == [Kind.STARTED]


# --- one session -------------------------------------------------------------------------------


def test_a_second_session_is_refused_and_recorded_once(attempt):
    for _ in range(2):
        with pytest.raises(ExamSessionActive):
            proctoring.attempt_session_check(attempt=attempt, session_key="s2", ip="10.0.0.9", user_agent="Other")
    event = IntegrityEvent.objects.get(attempt=attempt, kind=Kind.SECOND_SESSION)
    assert event.ip == "10.0.0.9" and event.user_agent == "Other"
    assert event.details == {"session": proctoring.session_digest("s2")}
    assert "s2" not in str(event.details)


def test_an_event_reported_from_a_second_session_is_refused_and_recorded_as_second_session(attempt):
    with pytest.raises(ExamSessionActive):
        record(attempt, session_key="s2")
    assert kinds_of(attempt) == [Kind.STARTED, Kind.SECOND_SESSION]


def test_starting_again_from_a_second_session_is_refused_and_recorded(attempt, enrolled, exam):
    with pytest.raises(ExamSessionActive):
        exam_start(enrolled, exam, session_key="s2")
    assert kinds_of(attempt) == [Kind.STARTED, Kind.SECOND_SESSION]


def test_the_session_check_costs_no_query_when_nothing_changed(attempt, django_assert_num_queries):
    with django_assert_num_queries(0):
        proctoring.attempt_session_check(attempt=attempt, session_key="s1", ip="10.0.0.1", user_agent="UA")


# --- events ------------------------------------------------------------------------------------


def test_a_reported_event_is_recorded_with_its_time_address_browser_and_details(attempt):
    event = record(attempt, Kind.PASTE, details={"count": 1, "length": 120})
    assert event.kind == Kind.PASTE and event.occurred_at >= attempt.started_at
    assert (event.ip, event.user_agent, event.details) == ("10.0.0.1", "UA", {"count": 1, "length": 120})


def test_an_address_change_is_recorded_once_per_new_address(attempt):
    for ip in ("10.0.0.2", "10.0.0.2", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.3"):
        record(attempt, ip=ip)
    changes = IntegrityEvent.objects.filter(attempt=attempt, kind=Kind.IP_CHANGED).order_by("id")
    assert [(event.ip, event.details["from"]) for event in changes] == [
        ("10.0.0.2", "10.0.0.1"),
        ("10.0.0.3", "10.0.0.1"),
    ]
    assert IntegrityEvent.objects.filter(attempt=attempt, kind=Kind.TAB_HIDDEN).count() == 6


def test_a_browser_change_is_recorded_once(attempt):
    for _ in range(3):
        proctoring.attempt_session_check(attempt=attempt, session_key="s1", ip="10.0.0.1", user_agent="Firefox")
    assert kinds_of(attempt) == [Kind.STARTED, Kind.USER_AGENT_CHANGED]
    event = IntegrityEvent.objects.get(attempt=attempt, kind=Kind.USER_AGENT_CHANGED)
    assert (event.user_agent, event.details) == ("Firefox", {"from": "UA"})


@pytest.mark.parametrize("kind", ["started", "submitted", "ip_changed", "second_session", "printed", ""])
def test_the_page_may_report_only_tab_window_copy_and_paste(attempt, kind):
    with pytest.raises(ValidationError) as error:
        record(attempt, kind)
    assert "kind" in error.value.message_dict
    assert kinds_of(attempt) == [Kind.STARTED]


def test_large_details_are_refused(attempt):
    with pytest.raises(ValidationError) as error:
        record(attempt, details={"junk": "x" * (proctoring.MAX_DETAILS_BYTES + 1)})
    assert "details" in error.value.message_dict


def test_events_of_a_submitted_exam_are_refused(submitted):
    with pytest.raises(AttemptClosed):
        record(submitted)


def test_events_of_a_plain_quiz_are_refused(make_course, student):
    built = make_course(modules=1, lessons=1)
    quiz = build_quiz()
    place(built.lessons[0], quiz)
    learning_services.enrollment_create(user=student, course=built.course)
    attempt, _ = services.attempt_start(user=student, quiz=quiz)
    with pytest.raises(proctoring.AttemptNotProctored):
        record(attempt)
    assert not IntegrityEvent.objects.exists()


def test_events_stop_at_the_cap_per_attempt(attempt, monkeypatch):
    monkeypatch.setattr(proctoring, "MAX_EVENTS_PER_ATTEMPT", 4)
    results = [record(attempt, Kind.COPY) for _ in range(5)]
    record(attempt, ip="10.0.0.7")  # a change of address past the cap is dropped too
    assert IntegrityEvent.objects.filter(attempt=attempt).count() == 4
    assert results[-2:] == [None, None]


# --- who proctors ------------------------------------------------------------------------------


def test_the_proctor_the_course_instructors_and_administrators_may_review(
    submitted, proctor, instructor, other_instructor, administrator, student
):
    attempt = Attempt.objects.select_related("quiz", "enrollment").get(pk=submitted.pk)
    assert can_proctor(proctor, attempt) and can_proctor(instructor, attempt) and can_proctor(administrator, attempt)
    assert not can_proctor(other_instructor, attempt) and not can_proctor(student, attempt)


def test_the_queue_holds_each_attempt_once_for_whoever_may_review_it(
    make_course, submitted, proctor, instructor, other_instructor, administrator
):
    # A second instructor on the course does not duplicate rows of the first one's queue.
    submitted.enrollment.course.instructors.add(other_instructor)
    outsider = UserFactory(roles=[roles.INSTRUCTOR])
    assert list(proctor_queue_for(proctor)) == [submitted]
    assert list(proctor_queue_for(instructor)) == [submitted]
    assert list(proctor_queue_for(administrator)) == [submitted]
    assert list(proctor_queue_for(outsider)) == []


def test_a_plain_quiz_attempt_is_in_no_proctors_queue(make_course, student, administrator):
    built = make_course(modules=1, lessons=1)
    quiz = build_quiz()
    place(built.lessons[0], quiz)
    learning_services.enrollment_create(user=student, course=built.course)
    services.attempt_start(user=student, quiz=quiz)
    assert not proctor_queue_for(administrator).exists()


# --- review ------------------------------------------------------------------------------------


def test_the_proctor_approves_a_submitted_exam(submitted, proctor, mailoutbox):
    attempt = proctoring.attempt_review(attempt=submitted, by=proctor, decision="approve")
    attempt.refresh_from_db()
    assert attempt.review_status == Attempt.ReviewStatus.APPROVED
    assert attempt.reviewed_by == proctor and attempt.reviewed_at is not None
    assert mailoutbox == []


@pytest.mark.parametrize("decision", ["flag", "invalidate"])
def test_flagging_or_invalidating_needs_a_note(submitted, proctor, decision):
    with pytest.raises(ValidationError) as error:
        proctoring.attempt_review(attempt=submitted, by=proctor, decision=decision, note="  ")
    assert "note" in error.value.message_dict
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.PENDING


def test_a_flagged_exam_still_counts_and_shows_the_note(submitted, proctor):
    proctoring.attempt_review(attempt=submitted, by=proctor, decision="flag", note="Long blur at 10:12.")
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.FLAGGED and submitted.review_note == "Long blur at 10:12."
    assert Attempt.objects.counted().filter(pk=submitted.pk).exists()


def test_an_unknown_decision_is_refused(submitted, proctor):
    with pytest.raises(ValidationError) as error:
        proctoring.attempt_review(attempt=submitted, by=proctor, decision="delete")
    assert "decision" in error.value.message_dict


def test_an_exam_in_progress_cannot_be_reviewed(attempt, proctor):
    with pytest.raises(proctoring.AttemptNotSubmitted):
        proctoring.attempt_review(attempt=attempt, by=proctor, decision="approve")


def test_an_instructor_of_another_course_cannot_review(submitted, other_instructor):
    with pytest.raises(proctoring.ReviewNotFound):
        proctoring.attempt_review(attempt=submitted, by=other_instructor, decision="invalidate", note="No.")
    submitted.refresh_from_db()
    assert submitted.review_status == Attempt.ReviewStatus.PENDING


def test_a_review_repeated_changes_nothing(submitted, proctor, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = proctoring.attempt_review(attempt=submitted, by=proctor, decision="invalidate", note="Notes seen.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = proctoring.attempt_review(attempt=submitted, by=proctor, decision="invalidate", note="Notes seen.")
    assert again.reviewed_at == first.reviewed_at
    assert callbacks == [] and len(mailoutbox) == 1


def test_invalidation_removes_the_attempt_from_completion(
    exam_course, student, proctor, django_capture_on_commit_callbacks, mailoutbox
):
    built, exam, lesson = exam_course
    with django_capture_on_commit_callbacks(execute=True):
        attempt = enroll_and_pass(student, built, exam)
    enrollment = Enrollment.objects.get(user=student, course=built.course)
    assert attempt.passed and enrollment.status == Enrollment.Status.COMPLETED

    with django_capture_on_commit_callbacks(execute=True):
        proctoring.attempt_review(attempt=attempt, by=proctor, decision="invalidate", note="A second person answered.")

    attempt.refresh_from_db()
    enrollment.refresh_from_db()
    assert attempt.review_status == Attempt.ReviewStatus.INVALIDATED and not attempt.counts
    assert not Attempt.objects.counted().filter(pk=attempt.pk).exists()
    assert services.quiz_counted_attempt(enrollment=enrollment, quiz=exam) is None
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.completed_at is None
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).completed_at is None
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=built.lessons[0]).completed_at is not None
    [email] = mailoutbox
    assert email.to == [student.email]
    assert "invalidated" in email.subject and exam.title in email.subject
    assert "A second person answered." in email.body
    assert f"/attempts/{attempt.pk}/" in email.body


def test_approving_an_invalidated_exam_counts_it_again(
    exam_course, student, proctor, django_capture_on_commit_callbacks, mailoutbox
):
    built, exam, lesson = exam_course
    with django_capture_on_commit_callbacks(execute=True):
        attempt = enroll_and_pass(student, built, exam)
    with django_capture_on_commit_callbacks(execute=True):
        proctoring.attempt_review(attempt=attempt, by=proctor, decision="invalidate", note="Suspected help.")
    with django_capture_on_commit_callbacks(execute=True):
        proctoring.attempt_review(attempt=attempt, by=proctor, decision="approve", note="Explained: a fire drill.")

    enrollment = Enrollment.objects.get(user=student, course=built.course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert LessonProgress.objects.get(enrollment=enrollment, lesson=lesson).completed_at is not None
    assert Attempt.objects.counted().filter(pk=attempt.pk).exists()
    assert [email.subject for email in mailoutbox][-1].endswith("counts again")


def test_invalidating_an_earlier_runs_exam_revokes_that_runs_certificate(
    exam_course, proctor, student, django_capture_on_commit_callbacks, celery_inline
):
    from certificates.models import Certificate

    built, exam, _ = exam_course
    with django_capture_on_commit_callbacks(execute=True):
        old_attempt = enroll_and_pass(student, built, exam)
    certificate = Certificate.objects.get(user=student)
    first_run = Enrollment.objects.get(user=student)
    learning_services.enrollment_start_new_run(user=student, course=built.course)

    with django_capture_on_commit_callbacks(execute=True):
        proctoring.attempt_review(attempt=old_attempt, by=proctor, decision="invalidate", note="Notes on the desk.")

    first_run.refresh_from_db()
    certificate.refresh_from_db()
    assert first_run.status == Enrollment.Status.SUPERSEDED
    assert first_run.completed_at is None
    assert certificate.revoked_at is not None
    assert "invalidated by the proctor" in certificate.revoked_reason
