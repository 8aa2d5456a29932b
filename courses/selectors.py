"""Reads of course content, with their joins done and the expensive parts cached.

The course outline (modules and lessons with titles, URLs and flags) is what every course,
module and lesson page shows. Building it costs a few tree queries, so it is cached in Redis
under the course's tree path and a generation token; publishing, unpublishing, moving or
deleting any page of the course issues a new token (see `course_content_changed`), so a
cached outline is never stale and serving one costs no database query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import QueryDict
from taggit.models import Tag
from wagtail.models import Page

from courses.models import Competency, CourseIndexPage, CoursePage, CourseTag, LessonPage, Level, ModulePage

# Tree depth of course pages: root (1) > home (2) > catalog (3) > course (4) > module > lesson.
COURSE_DEPTH = 4


@dataclass(frozen=True)
class LessonOutline:
    id: int
    title: str
    url: str
    is_preview: bool
    estimated_minutes: int


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    title: str
    url: str
    summary: str
    lessons: list[LessonOutline] = field(default_factory=list)


@dataclass(frozen=True)
class LessonPosition:
    module: ModuleOutline
    index: int
    previous: LessonOutline | None
    next: LessonOutline | None


@dataclass(frozen=True)
class LinkedTitle:
    title: str
    url: str


@dataclass(frozen=True)
class CompetencySummary:
    framework: str
    code: str
    name: str


@dataclass(frozen=True)
class TagSummary:
    name: str
    slug: str


@dataclass(frozen=True)
class CourseOutline:
    """Everything shared by all learners that course, module and lesson pages show."""

    id: int
    title: str
    url: str
    modules: list[ModuleOutline]
    instructors: list[str] = field(default_factory=list)
    prerequisites: list[LinkedTitle] = field(default_factory=list)
    competencies: list[CompetencySummary] = field(default_factory=list)
    tags: list[TagSummary] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonOutline]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def total_minutes(self) -> int:
        return sum(lesson.estimated_minutes for lesson in self.lessons)

    def position_of(self, lesson_id: int) -> LessonPosition | None:
        lessons = self.lessons
        for index, lesson in enumerate(lessons):
            if lesson.id == lesson_id:
                module = next(m for m in self.modules if lesson in m.lessons)
                return LessonPosition(
                    module=module,
                    index=index,
                    previous=lessons[index - 1] if index > 0 else None,
                    next=lessons[index + 1] if index + 1 < len(lessons) else None,
                )
        return None


def course_path_of(page_path: str) -> str | None:
    """The tree path of the course a page belongs to, or None above course level."""
    length = Page.steplen * COURSE_DEPTH
    return page_path[:length] if len(page_path) >= length else None


def _generation_key(course_path: str) -> str:
    return f"course-gen:{course_path}"


def _outline_key(course_path: str, generation: str) -> str:
    return f"course-outline:{course_path}:{generation}"


def course_content_changed(page_path: str) -> None:
    """Invalidate everything cached for the course containing this page."""
    course_path = course_path_of(page_path)
    if course_path:
        cache.set(_generation_key(course_path), uuid.uuid4().hex, timeout=None)


def course_outline_for_path(page_path: str) -> CourseOutline | None:
    course_path = course_path_of(page_path)
    if course_path is None:
        return None
    generation_key = _generation_key(course_path)
    generation = cache.get(generation_key)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(generation_key, generation, timeout=None)
    key = _outline_key(course_path, generation)
    outline = cache.get(key)
    if outline is None:
        outline = _build_outline(course_path)
        if outline is not None:
            cache.set(key, outline, timeout=settings.CONTENT_CACHE_TIMEOUT)
    return outline


def course_outline(course: CoursePage) -> CourseOutline | None:
    return course_outline_for_path(course.path)


def _build_outline(course_path: str) -> CourseOutline | None:
    """Seven queries whatever the course size: the course with its four relations, its live
    modules and its live lessons. Cached, so paid once per publish."""
    course = (
        CoursePage.objects.filter(path=course_path)
        .prefetch_related(
            "instructors",
            Prefetch("prerequisites", queryset=CoursePage.objects.live().order_by("title")),
            Prefetch("competencies", queryset=Competency.objects.order_by("framework", "code")),
            Prefetch("tagged_items", queryset=CourseTag.objects.select_related("tag")),
        )
        .first()
    )
    if course is None:
        return None
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    lessons_by_parent: dict[str, list[LessonOutline]] = {}
    for lesson in LessonPage.objects.descendant_of(course).live().order_by("path"):
        lessons_by_parent.setdefault(lesson.path[: -Page.steplen], []).append(
            LessonOutline(
                id=lesson.pk,
                title=lesson.title,
                url=lesson.get_url(),
                is_preview=lesson.is_preview,
                estimated_minutes=lesson.estimated_minutes,
            )
        )
    return CourseOutline(
        id=course.pk,
        title=course.title,
        url=course.get_url(),
        modules=[
            ModuleOutline(
                id=module.pk,
                title=module.title,
                url=module.get_url(),
                summary=module.summary,
                lessons=lessons_by_parent.get(module.path, []),
            )
            for module in modules
        ],
        instructors=sorted(user.get_display_name() for user in course.instructors.all()),
        prerequisites=[LinkedTitle(title=p.title, url=p.get_url()) for p in course.prerequisites.all()],
        competencies=[
            CompetencySummary(framework=c.framework, code=c.code, name=c.name) for c in course.competencies.all()
        ],
        tags=[TagSummary(name=tag.name, slug=tag.slug) for tag in course.tag_list],
    )


# --- Catalog ------------------------------------------------------------------------------


def catalog_filters_from_query(query: QueryDict) -> dict:
    level = query.get("level", "")
    return {
        "q": query.get("q", "").strip()[:200],
        "level": level if level in Level.values else "",
        "competency": query.get("competency", "").strip()[:40],
        "tag": query.get("tag", "").strip()[:100],
    }


def catalog_courses(index_page: CourseIndexPage | None = None):
    """Published, non-archived courses, with what the catalog card shows prefetched."""
    courses = CoursePage.objects.live().public().filter(archived=False)
    if index_page is not None:
        courses = courses.child_of(index_page)
    return (
        courses.select_related("image")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("code")),
            Prefetch("tagged_items", queryset=CourseTag.objects.select_related("tag")),
        )
        .order_by("title")
    )


def catalog_search(
    *, index_page: CourseIndexPage | None = None, q: str = "", level: str = "", competency: str = "", tag: str = ""
):
    courses = catalog_courses(index_page)
    if level:
        courses = courses.filter(level=level)
    if competency:
        courses = courses.filter(competencies__code=competency)
    if tag:
        courses = courses.filter(tags__slug=tag)
    if competency or tag:
        courses = courses.distinct()
    if q:
        matches = CoursePage.objects.live().filter(archived=False).search(q, operator="or")
        ranked_ids = [course.pk for course in matches]
        rank = {pk: position for position, pk in enumerate(ranked_ids)}
        return sorted(courses.filter(pk__in=ranked_ids), key=lambda course: rank[course.pk])
    return courses


CATALOG_GENERATION_KEY = "catalog-gen"
FACETS_TIMEOUT = 600


def catalog_changed() -> None:
    """Drop cached catalog-wide data (the filter choices) after a course is published or removed."""
    cache.set(CATALOG_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def catalog_facets() -> dict:
    """The filter choices: levels, and the competencies and tags that published courses use.

    Cached per catalog generation (and at most ten minutes, for renamed competencies or tags).
    """
    generation = cache.get(CATALOG_GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(CATALOG_GENERATION_KEY, generation, timeout=None)
    key = f"catalog-facets:{generation}"
    facets = cache.get(key)
    if facets is None:
        facets = _build_catalog_facets()
        cache.set(key, facets, timeout=FACETS_TIMEOUT)
    return facets


def _build_catalog_facets() -> dict:
    live_courses = CoursePage.objects.live().public().filter(archived=False)
    return {
        "levels": Level.choices,
        "competencies": list(Competency.objects.filter(courses__in=live_courses).distinct().order_by("code")),
        "tags": list(
            Tag.objects.filter(courses_coursetag_items__content_object__in=live_courses).distinct().order_by("name")
        ),
    }
