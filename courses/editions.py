"""Course editions: a new run of a course starts as a Wagtail copy of the previous one.

An instructor (or administrator) copies a course page with its modules and lessons through
the admin's Copy action, as a draft. The copy becomes the next edition: `edition` is the
source's plus one, `previous_edition` is the source, it is not archived, and it has the same
instructors (who get an editor group for the new page). When the new edition is first
published, the modules and lessons copied with it (never published) are published too, and
the previous edition is archived: it leaves the catalog and takes no new enrollments, while
the learners enrolled in it keep it, with their progress (learner records point at the old
pages).

The archive is published as a new revision of the old page, so publishing an older draft of
it later cannot bring it back into the catalog. Every function here is idempotent: preparing
a copy twice, or publishing an edition twice, changes nothing the second time.

Callers: courses/wagtail_hooks.py (`after_copy_page`, and `before_copy_page` for instructors,
who may not add pages to the catalog itself) and courses/signals.py (`page_published`).
"""

from __future__ import annotations

import logging

from django.db import transaction
from wagtail.actions.copy_page import CopyPageAction
from wagtail.models import Page, Revision

from courses.models import CoursePage
from courses.services import course_instructor_group_sync

logger = logging.getLogger(__name__)


def can_start_edition(user, course: Page) -> bool:
    """Whoever may edit a course may start its next edition (Wagtail's own copy rule).

    The copy is placed next to the course, so its instructors need no permission on the
    catalog page itself (see courses.services for why they have none).
    """
    return course.permissions_for_user(user).can_edit()


@transaction.atomic
def course_edition_start(*, course: CoursePage, user, title: str, slug: str, recursive: bool = True) -> CoursePage:
    """Copy the course (with its modules and lessons when `recursive`) as a draft next edition.

    The caller has checked `can_start_edition`; Wagtail's own copy checks would refuse an
    instructor, who has no "add" permission on the catalog. Its integrity checks still run.
    """
    action = CopyPageAction(
        page=course,
        to=course.get_parent(),
        recursive=recursive,
        update_attrs={"title": title, "slug": slug},
        keep_live=False,
        user=user,
    )
    copy = action.execute(skip_permission_checks=True)
    return course_edition_prepare(course=copy, source=course)


@transaction.atomic
def course_edition_prepare(*, course: CoursePage, source: Page) -> CoursePage:
    """Make `course`, a fresh copy of `source`, the next edition of it.

    The page row and every revision of the copy get the edition fields: the editor builds its
    form from the latest revision and publishing writes a revision onto the page, so a
    revision still carrying the source's values would undo them.
    """
    source_edition = CoursePage.objects.filter(pk=source.pk).values_list("edition", flat=True).get()
    values = {"edition": source_edition + 1, "previous_edition": source.pk, "archived": False}
    CoursePage.objects.filter(pk=course.pk).update(
        edition=values["edition"], previous_edition_id=source.pk, archived=False
    )
    course.edition, course.previous_edition_id, course.archived = values["edition"], source.pk, False
    revisions = list(Revision.page_revisions.filter(object_id=str(course.pk)))
    for revision in revisions:
        revision.content.update(values)
    Revision.objects.bulk_update(revisions, ["content"])
    # Wagtail copies the instructor list with the page; their editor group is per page.
    course_instructor_group_sync(course=course)
    logger.info("course edition prepared", extra={"course": course.pk, "source": source.pk, "edition": course.edition})
    if course.live:
        # Copied with "publish copies": it is published already, without a publish event.
        course_edition_published(course=course, user=course.owner)
    return course


def course_edition_published(*, course: CoursePage, user=None) -> CoursePage | None:
    """After `course` went live: it replaces its previous edition. Returns that edition when it
    was archived now, None when there was nothing (more) to do.

    Done once per edition, the first time it is published:
    - its modules and lessons that were never published (the drafts the copy made) are
      published with it, so the new edition goes live whole rather than as an empty outline;
    - the previous edition is archived. A live one by publishing a revision of its live
      content with `archived` set (an unpublished draft of it stays in its history); a draft
      one gets the flag on its row and latest revision only, so archiving publishes nothing new.
    """
    if not course.previous_edition_id or not course.live:
        return None
    with transaction.atomic():
        # Locked so two publishes of the new edition do this once.
        previous = CoursePage.objects.select_for_update(of=("self",)).filter(pk=course.previous_edition_id).first()
        if previous is None or previous.archived:
            return None
        _edition_drafts_publish(course=course, user=user)
        previous.archived = True
        if previous.live:
            revision = previous.save_revision(user=user, log_action=False, clean=False)
            revision.publish(user=user, skip_permission_checks=True)
        else:
            CoursePage.objects.filter(pk=previous.pk).update(archived=True)
            if previous.latest_revision_id:
                latest = Revision.objects.get(pk=previous.latest_revision_id)
                latest.content["archived"] = True
                latest.save(update_fields=["content"])
    logger.info("course edition archived", extra={"course": previous.pk, "newer_edition": course.pk})
    return previous


def _edition_drafts_publish(*, course: CoursePage, user) -> int:
    """Publish the course's pages that were never published, parents before children."""
    drafts = (
        Page.objects.descendant_of(course)
        .filter(live=False, first_published_at__isnull=True, go_live_at__isnull=True)
        .order_by("path")
    )
    published = 0
    for page in drafts.specific():
        revision = page.get_latest_revision() or page.save_revision(user=user, log_action=False, clean=False)
        revision.publish(user=user, skip_permission_checks=True)
        published += 1
    return published
