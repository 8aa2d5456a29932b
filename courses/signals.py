"""Framework lifecycle events only: drop cached course content when pages change, and archive a
course's previous edition when the new one is published."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from courses.editions import course_edition_published
from courses.models import CoursePage
from courses.selectors import catalog_changed, course_content_changed
from courses.services import course_instructor_group_sync


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, instance, **kwargs):
    course_content_changed(instance.path)
    if isinstance(instance, CoursePage):
        catalog_changed()


@receiver(page_published)
def _course_published(sender, instance, **kwargs):
    # Every publishing path (admin, schedule, workflow, script) keeps editors = instructors.
    if isinstance(instance, CoursePage):
        course_instructor_group_sync(course=instance)


@receiver(pre_page_move)
def _page_leaving(sender, instance, **kwargs):
    # The path before the move: the course the page leaves changes too.
    course_content_changed(instance.path)


@receiver(post_delete)
def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        course_content_changed(instance.path)
    if isinstance(instance, CoursePage):
        catalog_changed()


@receiver(page_published, dispatch_uid="courses.edition_published")
def _course_edition_published(sender, instance, revision=None, **kwargs):
    # A new edition going live archives the edition it was copied from (courses/editions.py).
    if isinstance(instance, CoursePage) and instance.previous_edition_id:
        course_edition_published(course=instance, user=getattr(revision, "user", None))
