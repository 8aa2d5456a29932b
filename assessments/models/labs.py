import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from assessments.forms import LabAdminForm
from assessments.lab_panels import LabEnvironmentPanel, LabFlagsInlinePanel
from assessments.models.authoring import AuthoredModel


def _lab_secret() -> str:
    return secrets.token_urlsafe(32)


def _flag_key() -> str:
    return secrets.token_hex(16)


def flag_normalize(text: str) -> str:
    """Flags compare without surrounding whitespace; the flag text itself is case-sensitive."""
    return (text or "").strip()


class Lab(RevisionMixin, index.Indexed, AuthoredModel, ClusterableModel):
    """A hands-on exercise: instructions, an optional external environment, flags to capture.

    Flags are never stored: a static flag is kept as an HMAC of the lab's secret, and a
    per-learner flag is derived (HMAC of the secret, the flag and the learner's seed), so the
    lab environment, given the same secret, can plant each learner's own flag.
    """

    title = models.CharField(max_length=200)
    instructions = RichTextField(features=["h3", "h4", "bold", "italic", "link", "ol", "ul", "code", "blockquote"])
    environment_url = models.URLField(blank=True, help_text="Optional link to the lab environment.")
    show_seed = models.BooleanField(
        default=False,
        verbose_name="show the learner's flag seed",
        help_text="Show each learner the seed the environment needs to plant their own flags.",
    )
    secret = models.CharField(max_length=64, default=_lab_secret, editable=False)
    max_tries_per_minute = models.PositiveSmallIntegerField(default=10)

    panels = [
        FieldPanel("title"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldPanel("environment_url"),
                FieldRowPanel([FieldPanel("show_seed"), FieldPanel("max_tries_per_minute")]),
            ],
            heading="Environment",
        ),
        LabEnvironmentPanel(heading="Environment setup: per-learner flags"),
        LabFlagsInlinePanel("flags", heading="Flags", label="Flag", min_num=1),
        InlinePanel("hints", heading="Hints", label="Hint"),
    ]
    base_form_class = LabAdminForm
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def gates_lesson_completion(self) -> bool:
        """A lab always counts toward completion (read by LessonPage.completes_by_assessment)."""
        return True

    @property
    def points(self) -> int:
        return sum(flag.points for flag in self.flags.all())

    def _mac(self, message: str) -> str:
        return hmac.new(self.secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def seed_for(self, user) -> str:
        """The learner's seed: stable, unguessable without the lab secret, not the user id."""
        return self._mac(f"seed:{user.pk}")[:16]

    def static_flag_digest(self, text: str) -> str:
        return self._mac(f"static:{flag_normalize(text)}")

    def learner_flag(self, flag: "LabFlag", user) -> str:
        """The flag this learner must submit for a per-learner flag (what the environment plants)."""
        return f"{flag.prefix}{{{self._mac(f'flag:{flag.key}:{self.seed_for(user)}')[:32]}}}"


class LabFlag(Orderable):
    class Kind(models.TextChoices):
        STATIC = "static", "The same flag for everyone"
        PER_LEARNER = "per_learner", "A flag derived per learner"

    lab = ParentalKey(Lab, on_delete=models.CASCADE, related_name="flags")
    label = models.CharField(max_length=200, help_text="What the learner is looking for, e.g. “Root flag”.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATIC)
    flag_digest = models.CharField(max_length=64, blank=True, editable=False)
    prefix = models.CharField(max_length=20, default="WCHI", help_text="Per-learner flags look like PREFIX{…}.")
    key = models.CharField(
        max_length=32, default=_flag_key, editable=False, help_text="Stable id in per-learner derivation."
    )
    points = models.PositiveSmallIntegerField(default=10)

    # flag_text and flag_prefix are form fields of assessments.forms.LabFlagAdminForm: the text
    # becomes flag_digest, flag_prefix edits `prefix` (a form field named "prefix" breaks the
    # inline panel's markup).
    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("kind")]),
        FieldPanel("flag_text"),
        FieldRowPanel([FieldPanel("flag_prefix"), FieldPanel("points")]),
    ]

    def __str__(self) -> str:
        return self.label

    def matches(self, submitted: str, user) -> bool:
        if self.kind == self.Kind.PER_LEARNER:
            expected = self.lab.learner_flag(self, user)
            return hmac.compare_digest(flag_normalize(submitted), expected)
        if not self.flag_digest:
            return False
        return hmac.compare_digest(self.lab.static_flag_digest(submitted), self.flag_digest)


class LabHint(Orderable):
    lab = ParentalKey(Lab, on_delete=models.CASCADE, related_name="hints")
    text = models.TextField()
    cost = models.PositiveSmallIntegerField(default=0, help_text="Points taken off when the learner opens it.")

    panels = [FieldPanel("text"), FieldPanel("cost")]

    def __str__(self) -> str:
        return f"hint {self.sort_order} of {self.lab_id}"


class LabSubmission(models.Model):
    """Every flag try, right or wrong. The tried text itself is not kept (a right one is a flag)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_submissions")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="submissions")
    enrollment = models.ForeignKey("learning.Enrollment", on_delete=models.PROTECT, related_name="lab_submissions")
    flag = models.ForeignKey(LabFlag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    correct = models.BooleanField(default=False)
    submitted_digest = models.CharField(max_length=64, help_text="SHA-256 of the tried text, to spot repeats.")
    submitted_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["enrollment", "lab", "submitted_at"])]

    def __str__(self) -> str:
        return f"{'correct' if self.correct else 'wrong'} flag try on {self.lab_id} by {self.user_id}"


class LabHintUnlock(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey("learning.Enrollment", on_delete=models.PROTECT, related_name="+")
    hint = models.ForeignKey(LabHint, on_delete=models.PROTECT, related_name="unlocks")
    unlocked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "hint"], name="one_unlock_per_hint")]

    def __str__(self) -> str:
        return f"hint {self.hint_id} opened by {self.user_id}"


class LabCompletion(models.Model):
    """A learner captured every flag of a lab in one run of the course."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey("learning.Enrollment", on_delete=models.PROTECT, related_name="lab_completions")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    score = models.IntegerField(default=0, help_text="Flag points minus the cost of hints opened.")
    max_score = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lab"], name="one_completion_per_lab")]

    def __str__(self) -> str:
        return f"lab {self.lab_id} completed in {self.enrollment_id}"
