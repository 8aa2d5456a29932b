"""The `course_completed` hook, sent once per completed enrollment after the transaction commits.

Receivers get `enrollment` (a learning.models.Enrollment). Certificates, notifications and
integrations subscribe to it; learning itself uses it to move learners along their paths.
"""

from django.dispatch import Signal, receiver

course_completed = Signal()

# Sent after commit when a completed enrollment goes back to active: an assessment that
# completed a lesson no longer counts (a proctor invalidated it, a regrade failed it).
# Receivers get `enrollment` and `reason` (text for people). Certificates revoke on it.
course_completion_withdrawn = Signal()


@receiver(course_completed, dispatch_uid="learning.path_progress")
def _advance_learning_paths(sender, enrollment, **kwargs):
    from learning.services import path_progress_after_completion

    path_progress_after_completion(user=enrollment.user, course_id=enrollment.course_id)
