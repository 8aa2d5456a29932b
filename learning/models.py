"""Learner state: enrollments, lesson progress, waitlists, learning paths, competencies earned.

Pages are content; these rows are state. Every reference to a page is on_delete=PROTECT so
deleting or unpublishing course content can never delete a learner's history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrollments that give access to the course: active or completed."""
        return self.filter(status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])

    def holding_seats(self):
        return self.filter(status=Enrollment.Status.ACTIVE)


class Enrollment(models.Model):
    """A learner's place in one run of a course."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DROPPED = "dropped", "Dropped"
        # An earlier run of the course, kept for history when the learner takes it again
        # (recertification). It keeps its completion date, progress and attempts.
        SUPERSEDED = "superseded", "Earlier run"

    class Source(models.TextChoices):
        SELF = "self", "Self-enrolled"
        STAFF = "staff", "Enrolled by staff"
        WAITLIST = "waitlist", "From the waitlist"
        PATH = "path", "Through a learning path"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_lessons = models.PositiveIntegerField(default=0, help_text="Denormalised count for lists.")
    run = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first time through the course, 2 for a retake …"
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            # One enrollment per learner and course at a time; earlier runs are kept as superseded.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=~models.Q(status="superseded"),
                name="one_enrollment_per_course",
            ),
            models.UniqueConstraint(fields=["user", "course", "run"], name="one_enrollment_per_course_run"),
        ]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course_id} ({self.status})"

    @property
    def is_current(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.COMPLETED)


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    video_position = models.FloatField(default=0, help_text="Seconds into the lesson video where the learner stopped.")
    video_duration = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]

    def __str__(self) -> str:
        return f"progress {self.enrollment_id}/{self.lesson_id}"


class WaitlistEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="waitlist_entries")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_waitlist_entry_per_course")]

    def __str__(self) -> str:
        return f"{self.user} waiting for {self.course_id}"


class PathEnrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="path_enrollments")
    path = models.ForeignKey("courses.LearningPath", on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="one_enrollment_per_path")]

    def __str__(self) -> str:
        return f"{self.user} on {self.path_id}"


class CompetencyAttainment(models.Model):
    """A competency the learner has shown, with the course that granted it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey("courses.Competency", on_delete=models.PROTECT, related_name="attainments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="+")
    attained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["competency__framework", "competency__code"]
        constraints = [models.UniqueConstraint(fields=["user", "competency"], name="one_attainment_per_competency")]

    def __str__(self) -> str:
        return f"{self.user}: {self.competency_id}"
