"""Keep placements in step with lesson publishing. Thin and idempotent."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from assessments.models import AssessmentPlacement
from courses.models import LessonPage


@receiver(page_published, sender=LessonPage, dispatch_uid="assessments.placements_on_publish")
def _placements_follow_published_lesson(sender, instance, **kwargs):
    from assessments.services import placements_sync

    placements_sync(lesson=instance)


@receiver(page_unpublished, sender=LessonPage, dispatch_uid="assessments.placements_on_unpublish")
def _placements_leave_unpublished_lesson(sender, instance, **kwargs):
    # Also sent while a live lesson is being deleted: only ever remove rows here.
    AssessmentPlacement.objects.filter(lesson_id=instance.pk).delete()
