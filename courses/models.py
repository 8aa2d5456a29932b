"""Course content: CourseIndexPage > CoursePage > ModulePage > LessonPage, and Competency.

Pages are content only. Learner state lives in the learning app and points at these pages
with on_delete=PROTECT.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from courses.blocks import ASSESSMENT_BLOCK_TYPES, LessonStreamBlock


class Level(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


@register_snippet
class Competency(index.Indexed, models.Model):
    """A skill a course develops, from a workforce framework (e.g. the NICE Framework work roles)."""

    framework = models.CharField(max_length=80, default="NICE Framework")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    panels = [FieldPanel("framework"), FieldPanel("code"), FieldPanel("name"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.SearchField("code"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["framework", "code"]
        verbose_name_plural = "competencies"
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_competency_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CourseTag(TaggedItemBase):
    content_object = ParentalKey("courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CourseIndexPage(Page):
    """The catalog: lists published, non-archived courses with search and filters."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import catalog_facets, catalog_filters_from_query, catalog_search

        context = super().get_context(request, *args, **kwargs)
        filters = catalog_filters_from_query(request.GET)
        context["filters"] = filters
        context["courses"] = catalog_search(index_page=self, **filters)
        context["facets"] = catalog_facets()
        return context


class CoursePage(Page):
    summary = models.CharField(max_length=300, help_text="One or two sentences shown in the catalog.")
    description = RichTextField(features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "code"])
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    estimated_hours = models.PositiveSmallIntegerField(default=1, help_text="Expected hours of study.")
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="courses_taught",
        limit_choices_to={"groups__name": "Instructor"},
        help_text="Instructors listed here may edit this course in the admin.",
    )
    prerequisites = ParentalManyToManyField("self", blank=True, symmetrical=False, related_name="required_by")
    competencies = ParentalManyToManyField(Competency, blank=True, related_name="courses")
    tags = ClusterTaggableManager(through=CourseTag, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Seats; empty means unlimited.")
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0, help_text="0 means free.")
    archived = models.BooleanField(
        default=False, help_text="Archived courses leave the catalog but stay readable to enrolled learners."
    )
    enrollment_opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    enrollment_closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never closes.")
    complete_by = models.DateField(null=True, blank=True, help_text="Learners should finish by this date.")
    certificate_validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Certificates of this course expire after this many months. Empty: they never expire.",
    )
    edition = models.PositiveSmallIntegerField(default=1, editable=False)
    previous_edition = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="next_editions",
        help_text="The edition this one was copied from; publishing this one archives it.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("level"), FieldPanel("estimated_hours")]), FieldPanel("tags")], "Catalog"
        ),
        MultiFieldPanel(
            [FieldPanel("instructors"), FieldPanel("prerequisites"), FieldPanel("competencies")], "People and skills"
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("price")]),
                FieldRowPanel([FieldPanel("enrollment_opens_at"), FieldPanel("enrollment_closes_at")]),
                FieldPanel("complete_by"),
                FieldPanel("archived"),
            ],
            "Enrollment",
        ),
        MultiFieldPanel([FieldPanel("certificate_validity_months")], "Certificate"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("level"),
        index.FilterField("archived"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("summary"),
        APIField("description"),
        APIField("level"),
        APIField("estimated_hours"),
        APIField("price"),
        APIField("archived"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = "course"

    @property
    def tag_list(self) -> list:
        """The course's tags, using `tagged_items__tag` when it was prefetched (as the catalog does)."""
        return sorted((item.tag for item in self.tagged_items.all()), key=lambda tag: tag.name)

    @property
    def is_free(self) -> bool:
        return self.price == 0

    def enrollment_is_open(self, at=None) -> bool:
        now = at or timezone.now()
        if self.archived or not self.live:
            return False
        if self.enrollment_opens_at and now < self.enrollment_opens_at:
            return False
        return not (self.enrollment_closes_at and now >= self.enrollment_closes_at)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(self)
        return context


class ModulePage(Page):
    summary = models.CharField(max_length=300, blank=True)
    objectives = RichTextField(
        blank=True, features=["bold", "italic", "ol", "ul"], help_text="What learners will be able to do."
    )

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("objectives")]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    api_fields = [APIField("summary"), APIField("objectives")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = "module"

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline_for_path

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline_for_path(self.path)
        return context


class LessonPage(Page):
    body = StreamField(LessonStreamBlock(), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=10)
    is_preview = models.BooleanField(
        default=False, verbose_name="free preview", help_text="Anyone may read a preview lesson without enrolling."
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("is_preview")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("is_preview")]
    # The lesson body is not in the public page API: only preview lessons are public, and the
    # learning API decides who reads the rest.
    api_fields = [APIField("estimated_minutes"), APIField("is_preview")]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lesson"

    @cached_property
    def completes_by_assessment(self) -> bool:
        """Whether an assessment here (a lab, a quiz required for completion) decides when the
        lesson completes, instead of the learner's "Mark complete". Lessons without quiz or lab
        blocks answer without loading anything."""
        if not any(block.get("type") in ASSESSMENT_BLOCK_TYPES for block in self.body.raw_data):
            return False
        return any(
            block.value is not None and getattr(block.value, "gates_lesson_completion", False)
            for block in self.body
            if block.block_type in ASSESSMENT_BLOCK_TYPES
        )

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_outline_for_path

        context = super().get_context(request, *args, **kwargs)
        outline = course_outline_for_path(self.path)
        context["outline"] = outline
        context["lesson_position"] = outline.position_of(self.pk) if outline else None
        context["cache_body"] = not getattr(request, "is_preview", False)
        return context


@register_snippet
class LearningPath(index.Indexed, ClusterableModel):
    """An ordered set of courses, e.g. "SOC Analyst track"."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=100)
    summary = models.CharField(max_length=300)
    description = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    sequential = models.BooleanField(
        default=True, help_text="Learners unlock each course by completing the one before it."
    )
    published = models.BooleanField(default=True, help_text="Unpublished paths are hidden from learners.")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("sequential"),
        FieldPanel("published"),
        InlinePanel("steps", label="Courses, in order", min_num=1),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("summary"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning:path", kwargs={"slug": self.slug})


class LearningPathStep(Orderable):
    path = ParentalKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["path", "course"], name="course_once_per_path")]
