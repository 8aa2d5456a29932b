"""Writes on course content that are not plain page edits: who may edit which course."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from accounts import roles
from courses.models import CourseIndexPage, CoursePage

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


def course_index_grant_instructor_add(*, index_page: CourseIndexPage) -> None:
    """Instructors may create new courses in the catalog (and then edit the courses they own)."""
    group = Group.objects.get(name=roles.INSTRUCTOR)
    page = Page.objects.get(pk=index_page.pk)
    GroupPagePermission.objects.get_or_create(
        group=group, page=page, permission__codename="add_page", defaults={"permission": _permission("add_page")}
    )


def _permission(codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
