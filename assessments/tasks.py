"""Celery tasks of assessments: thin, take ids, idempotent."""

from celery import shared_task


@shared_task(name="assessments.attempts_close_expired")
def attempts_close_expired() -> int:
    """Submit open attempts whose time ran out (beat runs it every minute)."""
    from assessments.services import attempts_close_expired as close

    return close()


@shared_task(name="assessments.quiz_regrade")
def quiz_regrade(quiz_id: int, user_id: int | None = None) -> dict:
    from django.contrib.auth import get_user_model

    from assessments.models import Quiz
    from assessments.services import quiz_regrade as regrade

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return regrade(quiz=Quiz.objects.get(pk=quiz_id), by=by)
