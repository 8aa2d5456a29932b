from django.conf import settings
from django.db import models
from django.utils import timezone


class AttemptQuerySet(models.QuerySet):
    def counted(self):
        """Attempts that count for scores and completion: finished, not invalidated by a proctor."""
        return self.filter(status=Attempt.Status.GRADED).exclude(review_status=Attempt.ReviewStatus.INVALIDATED)


class Attempt(models.Model):
    """One learner's attempt at a quiz, pinned to the quiz revision and the questions it drew.

    `questions` holds the drawn questions as plain data (answer key included: never sent to
    the learner before the settings allow); `answers` maps question id to the response.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        NEEDS_GRADING = "needs_grading", "Waiting for grading"
        GRADED = "graded", "Graded"

    class ReviewStatus(models.TextChoices):
        NOT_PROCTORED = "", "Not proctored"
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        FLAGGED = "flagged", "Flagged"
        INVALIDATED = "invalidated", "Invalidated"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey("assessments.Quiz", on_delete=models.PROTECT, related_name="attempts")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey("learning.Enrollment", on_delete=models.PROTECT, related_name="quiz_attempts")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(help_text="1 for the learner's first attempt in this run.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)

    questions = models.JSONField(help_text="The drawn questions, in the order shown.")
    answers = models.JSONField(default=dict, blank=True)
    manual_scores = models.JSONField(default=dict, blank=True, help_text="Essay question id → points.")
    results = models.JSONField(default=list, blank=True)

    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    answers_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False, help_text="Submitted by the server at the deadline.")
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    # Proctoring
    session_key = models.CharField(max_length=64, blank=True, help_text="The one session this exam runs in.")
    integrity_accepted_at = models.DateTimeField(null=True, blank=True)
    start_ip = models.GenericIPAddressField(null=True, blank=True)
    start_user_agent = models.CharField(max_length=500, blank=True)
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.NOT_PROCTORED, blank=True
    )
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "quiz", "number"], name="one_attempt_number_per_run"),
            # A double "start" cannot open two attempts at once.
            models.UniqueConstraint(
                fields=["enrollment", "quiz"], condition=models.Q(status="in_progress"), name="one_open_attempt"
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.quiz_id} by {self.user_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    @property
    def counts(self) -> bool:
        return self.status == self.Status.GRADED and self.review_status != self.ReviewStatus.INVALIDATED


class IntegrityEvent(models.Model):
    """Something a proctor should see about an exam attempt (tab hidden, paste, new IP …)."""

    class Kind(models.TextChoices):
        STARTED = "started", "Exam started"
        IP_CHANGED = "ip_changed", "IP address changed"
        USER_AGENT_CHANGED = "user_agent_changed", "Browser changed"
        SECOND_SESSION = "second_session", "Second session refused"
        TAB_HIDDEN = "tab_hidden", "Tab hidden"
        WINDOW_BLUR = "window_blur", "Window lost focus"
        COPY = "copy", "Copy"
        PASTE = "paste", "Paste"
        SUBMITTED = "submitted", "Submitted"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="integrity_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on attempt {self.attempt_id}"
