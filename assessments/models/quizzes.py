from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index

from assessments.blocks import QuizStreamBlock
from assessments.models.authoring import AuthoredModel


class Quiz(DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, AuthoredModel):
    """A quiz or, with proctoring on, an exam. Placed in lessons with the lesson's quiz block.

    Learners always take the published (live) version; an attempt pins that revision.
    """

    class ScorePolicy(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LATEST = "latest", "Latest attempt"

    class ShowAnswers(models.TextChoices):
        NEVER = "never", "Never (score only)"
        AFTER_SUBMIT = "after_submit", "Right after each attempt"
        AFTER_LAST_ATTEMPT = "after_last_attempt", "After the last allowed attempt or a pass"
        AFTER_CLOSE = "after_close", "After the quiz closes"

    title = models.CharField(max_length=200)
    description = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    questions = StreamField(QuizStreamBlock(), help_text="Questions and question pools.")

    pass_mark_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        verbose_name="pass mark (%)",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: no time limit. The server ends late attempts."
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: unlimited."
    )
    available_from = models.DateTimeField(null=True, blank=True)
    available_until = models.DateTimeField(null=True, blank=True)
    score_policy = models.CharField(max_length=20, choices=ScorePolicy.choices, default=ScorePolicy.HIGHEST)
    show_answers = models.CharField(max_length=20, choices=ShowAnswers.choices, default=ShowAnswers.AFTER_SUBMIT)
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=False)
    counts_toward_completion = models.BooleanField(
        default=True,
        verbose_name="required for course completion",
        help_text="The lesson completes only when the learner passes this quiz.",
    )

    # Proctoring: an exam is a quiz with these on.
    proctored = models.BooleanField(
        default=False,
        verbose_name="proctored exam",
        help_text="One attempt, one active session, an integrity statement, events recorded for a proctor.",
    )
    integrity_statement = models.TextField(
        blank=True,
        default=(
            "I will complete this exam on my own, without notes, other people or other devices, "
            "and I understand that my session is recorded for review."
        ),
    )
    proctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proctored_quizzes",
        help_text="An instructor or mentor who reviews the attempts.",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark_percent"), FieldPanel("time_limit_minutes")]),
                FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("score_policy")]),
                FieldRowPanel([FieldPanel("available_from"), FieldPanel("available_until")]),
                FieldPanel("show_answers"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldPanel("counts_toward_completion"),
            ],
            heading="Settings",
        ),
        MultiFieldPanel(
            [FieldPanel("proctored"), FieldPanel("integrity_statement"), FieldPanel("proctor")],
            heading="Proctoring (exams)",
        ),
        FieldPanel("questions"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"
        # Wagtail adds these after migrations run; declared here so the role migration can grant them.
        permissions = [
            ("publish_quiz", "Can publish quiz"),
            ("lock_quiz", "Can lock quiz"),
            ("unlock_quiz", "Can unlock quiz"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.available_from and self.available_until and self.available_until <= self.available_from:
            raise ValidationError({"available_until": "The quiz must close after it opens."})
        if self.proctored:
            if not (self.available_from and self.available_until):
                raise ValidationError({"available_from": "A proctored exam needs a scheduled window."})
            if self.max_attempts not in (None, 1):
                raise ValidationError({"max_attempts": "A proctored exam allows one attempt."})

    @property
    def attempts_allowed(self) -> int | None:
        return 1 if self.proctored else self.max_attempts

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.available_from and now < self.available_from:
            return False
        return not (self.available_until and now >= self.available_until)

    @property
    def gates_lesson_completion(self) -> bool:
        """Read by LessonPage.completes_by_assessment (through the lesson's quiz block)."""
        return self.counts_toward_completion
