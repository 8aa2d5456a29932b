"""Writes on course content that are not plain page edits: who may edit which course.

Instructors get no permission on the catalog itself: Wagtail's "add" permission on a page
covers its whole subtree, so it would let an instructor add drafts inside other people's
courses. An administrator creates a course and lists its instructors; from then on the
instructors edit, extend and publish that course and nothing else.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from courses.models import CoursePage

# Wagtail page permissions an instructor gets on each course they are listed on.
COURSE_EDITOR_PERMISSIONS = ("add_page", "change_page", "publish_page", "view_page")


def course_instructor_group_name(course: CoursePage) -> str:
    return f"Course {course.pk} instructors"


@transaction.atomic
def course_instructor_group_sync(*, course: CoursePage, instructors=None) -> Group:
    """Keep the course's editor group equal to its instructor list.

    Wagtail grants page permissions to groups on a subtree. Each course gets its own group
    with edit, add and publish permissions on the course page and everything below it; the
    course's instructors are exactly its members. Anyone not listed cannot edit the course.
    """
    group, _ = Group.objects.get_or_create(name=course_instructor_group_name(course))
    page = Page.objects.get(pk=course.pk)
    for codename in COURSE_EDITOR_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission__codename=codename, defaults={"permission": _permission(codename)}
        )
    members = list(instructors if instructors is not None else course.instructors.all())
    group.user_set.set(members)
    return group


def _permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
