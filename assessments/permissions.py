"""Who may see or do what with assessment state: one function per rule, used by pages, API and admin."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from assessments.models import Attempt
from courses.models import CoursePage
from learning.permissions import is_site_administrator, teaches


def can_proctor(user, attempt: Attempt) -> bool:
    """Review a proctored attempt: the quiz's proctor, an instructor of the attempt's course
    (the edition the learner is enrolled in), or a site administrator.

    `proctor_queue_for` is the same rule as a queryset. At most one query when the attempt
    comes with its quiz and enrollment (select_related).
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if attempt.review_status == Attempt.ReviewStatus.NOT_PROCTORED:
        return False
    if is_site_administrator(user) or attempt.quiz.proctor_id == user.pk:
        return True
    return teaches(user, attempt.enrollment.course_id)


def proctor_queue_for(user) -> QuerySet[Attempt]:
    """The proctored attempts (any status) the user may review: `can_proctor` as a queryset.

    Teaching is a subquery, not a join, so an attempt appears once however many instructors
    its course lists.
    """
    attempts = Attempt.objects.exclude(review_status=Attempt.ReviewStatus.NOT_PROCTORED)
    if not (user.is_authenticated and user.is_active):
        return attempts.none()
    if is_site_administrator(user):
        return attempts
    taught = CoursePage.instructors.through.objects.filter(user_id=user.pk).values("coursepage_id")
    return attempts.filter(Q(quiz__proctor=user) | Q(enrollment__course_id__in=taught))


def can_author(user, assessment) -> bool:
    """Change, delete, publish or lock a quiz or lab: site administrators; otherwise who created
    it, or an instructor of a course where it is placed. An exam's key is not open to every
    instructor on the site."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_site_administrator(user) or assessment.owner_id == user.pk:
        return True
    return assessment.placements.filter(course__instructors=user).exists()


def authored_by(user, queryset: QuerySet) -> QuerySet:
    """`can_author` as a queryset of quizzes or labs."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if is_site_administrator(user):
        return queryset
    taught = CoursePage.instructors.through.objects.filter(user_id=user.pk).values("coursepage_id")
    placed = queryset.model.objects.filter(placements__course_id__in=taught).values("pk")
    return queryset.filter(Q(owner=user) | Q(pk__in=placed))
