"""The `course_completed` hook, sent once per completed enrollment after the transaction commits.

Receivers get `enrollment` (a learning.models.Enrollment). Certificates, notifications and
integrations subscribe to it; learning itself uses it to move learners along their paths.
"""

from django.dispatch import Signal, receiver
from wagtail.signals import page_published

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
    waiting learners take them, first come first served, as when a learner drops."""
    from courses.models import CoursePage
    from learning.models import WaitlistEntry
    from learning.services import waitlist_promote_after_change

    if isinstance(instance, CoursePage) and WaitlistEntry.objects.filter(course_id=instance.pk).exists():
        waitlist_promote_after_change(course=instance)
