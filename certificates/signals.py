"""Receivers of learning's completion signals: thin, idempotent, after commit (learning sends
both signals from `transaction.on_commit`).

- `course_completed` issues the enrollment's certificate right away, so the dashboard shows it
  on the next page; if that fails (the database hiccuped) the issue is queued as a task that
  retries, and the learner's completion is never affected.
- `course_completion_withdrawn` revokes the enrollment's certificates with the reason given; if
  that fails, a retrying task does it.
"""

import logging

from django.dispatch import receiver

from certificates import services
from certificates.exceptions import CourseNotCompleted
from learning.signals import course_completed, course_completion_withdrawn

logger = logging.getLogger(__name__)


@receiver(course_completed, dispatch_uid="certificates.issue_on_completion")
def _issue_on_completion(sender, enrollment, **kwargs):
    from certificates.tasks import certificate_issue

    try:
        services.certificate_issue(enrollment=enrollment)
    except CourseNotCompleted:
        logger.info("certificate not issued: completion withdrawn meanwhile", extra={"enrollment": enrollment.pk})
    except Exception:  # the completion is committed: never fail the learner's request
        logger.exception("certificate issue failed; queued for retry", extra={"enrollment": enrollment.pk})
        try:
            certificate_issue.delay(enrollment.pk)
        except Exception:  # the broker is down too: logged for an operator
            logger.exception("certificate issue could not be queued", extra={"enrollment": enrollment.pk})


@receiver(course_completion_withdrawn, dispatch_uid="certificates.revoke_on_withdrawal")
def _revoke_on_withdrawal(sender, enrollment, reason="", **kwargs):
    from certificates.tasks import certificates_revoke_withdrawn

    reason = reason or "no reason given"
    try:
        services.certificates_revoke_for_withdrawn_completion(enrollment=enrollment, reason=reason)
    except Exception:  # the withdrawal is committed: revoke later rather than leave a valid certificate
        logger.exception("certificate revoke failed; queued for retry", extra={"enrollment": enrollment.pk})
        try:
            certificates_revoke_withdrawn.delay(enrollment.pk, reason)
        except Exception:  # the broker is down too: logged for an operator
            logger.exception("certificate revoke could not be queued", extra={"enrollment": enrollment.pk})
