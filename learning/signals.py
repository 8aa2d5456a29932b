"""The `course_completed` hook, sent once per completed enrollment after the transaction commits.

Receivers get `enrollment` (a learning.models.Enrollment). Certificates, notifications and
integrations subscribe to it; learning itself uses it to move learners along their paths.
"""

import logging

from django.dispatch import Signal, receiver
from wagtail.signals import page_published

logger = logging.getLogger(__name__)

course_completed = Signal()

# Sent after commit when a completed enrollment goes back to active: an assessment that
# completed a lesson no longer counts (a proctor invalidated it, a regrade failed it).
# Receivers get `enrollment` and `reason` (text for people). Certificates revoke on it.
course_completion_withdrawn = Signal()


@receiver(course_completed, dispatch_uid="learning.path_progress")
def _advance_learning_paths(sender, enrollment, **kwargs):
    from learning.services import path_progress_after_completion

    path_progress_after_completion(user=enrollment.user, course_id=enrollment.course_id)


@receiver(page_published, dispatch_uid="learning.waitlist_on_publish")
def _promote_waitlist_when_seats_open(sender, instance, **kwargs):
    """A course published with more seats (a higher or no `capacity`) frees seats: the
    waiting learners take them, first come first served, as when a learner drops. A new
    edition first takes over the waitlists of the editions it replaces."""
    from courses.models import CoursePage
    from learning.models import WaitlistEntry
    from learning.services import waitlist_carry_to_current_edition, waitlist_promote_after_change

    if not isinstance(instance, CoursePage):
        return
    # Wagtail sends page_published after the page is saved and committed, and logs the publish
    # after the receivers: a failure here must not turn a publish that went live into an error
    # page without its log entry. The waitlist is promoted again at the next drop or publish.
    try:
        waitlist_carry_to_current_edition(course=instance)
        if WaitlistEntry.objects.filter(course_id=instance.pk).exists():
            waitlist_promote_after_change(course=instance)
    except Exception:
        logger.exception("waitlist: promotion after publishing course %s failed", instance.pk)
