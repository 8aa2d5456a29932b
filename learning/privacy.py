"""Learner state in the privacy registry (privacy.registry).

Enrollments, progress, path enrollments and competencies are kept on erasure: they hold no free
text, only which course and when, and they are the aggregates (completion rates, seats, the
history certificates rest on) that must survive the person; they point at the anonymised account.
A waitlist place is deleted: it is worth nothing without the person.
"""

from learning.models import CompetencyAttainment, Enrollment, LessonProgress, PathEnrollment, WaitlistEntry
from privacy.registry import keep, register

AGGREGATE = "course, dates and completion only (no free text): kept for completion statistics and certificates"

register(Enrollment, user_path="user", erase=keep(AGGREGATE))
register(LessonProgress, user_path="enrollment__user", erase=keep(AGGREGATE))
register(PathEnrollment, user_path="user", erase=keep(AGGREGATE))
register(CompetencyAttainment, user_path="user", erase=keep(AGGREGATE))
register(WaitlistEntry, user_path="user")
