"""Keep placements in step with lesson publishing. Thin and idempotent."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from courses.models import LessonPage


@receiver(page_published, sender=LessonPage, dispatch_uid="assessments.placements_on_publish")
@receiver(page_unpublished, sender=LessonPage, dispatch_uid="assessments.placements_on_unpublish")
def _placements_follow_lesson(sender, instance, **kwargs):
    from assessments.services import placements_sync

    placements_sync(lesson=instance)
