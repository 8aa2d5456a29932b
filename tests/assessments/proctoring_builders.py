"""Proctored exams for tests: a course whose last lesson holds the exam, learners who take it."""

from datetime import timedelta

from django.utils import timezone

from assessments import services
from assessments.models import Attempt, IntegrityEvent
from learning import services as learning_services
from tests.assessments.builders import build_quiz, place, question


def build_exam_course(make_course, *, instructor, proctor=None, title="Final exam"):
    """(built course, exam, exam lesson): two lessons, the exam (one true/false question) in the last."""
    built = make_course(modules=1, lessons=2, instructors=[instructor])
    now = timezone.now()
    exam = build_quiz(
        title=title,
        proctored=True,
        available_from=now - timedelta(hours=1),
        available_until=now + timedelta(hours=2),
        proctor=proctor,
        questions=[question("true_false", block_id="q1", correct="true")],
    )
    lesson = place(built.lessons[-1], exam)
    return built, exam, lesson


def exam_start(user, exam, *, session_key="s1", ip="10.0.0.1", user_agent="UA") -> Attempt:
    attempt, _ = services.attempt_start(
        user=user, quiz=exam, session_key=session_key, ip=ip, user_agent=user_agent, integrity_accepted=True
    )
    return attempt


def exam_pass(user, exam, **start) -> Attempt:
    """Start and submit the exam with the right answer (run inside captured on-commit callbacks)."""
    attempt = exam_start(user, exam, **start)
    return services.attempt_submit(attempt=attempt, answers={"q1": True})


def enroll_and_pass(user, built, exam) -> Attempt:
    """Enroll, complete the first lesson by hand, pass the exam: the course completes."""
    learning_services.enrollment_create(user=user, course=built.course)
    learning_services.lesson_complete(user=user, lesson=built.lessons[0])
    return exam_pass(user, exam)


def events_add(attempt: Attempt, count: int) -> None:
    kinds = [IntegrityEvent.Kind.TAB_HIDDEN, IntegrityEvent.Kind.WINDOW_BLUR, IntegrityEvent.Kind.COPY]
    IntegrityEvent.objects.bulk_create(
        IntegrityEvent(attempt=attempt, kind=kinds[n % len(kinds)], ip="10.0.0.1", user_agent="UA", details={"n": n})
        for n in range(count)
    )
