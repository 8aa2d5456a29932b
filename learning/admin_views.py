"""Instructor rosters in the Wagtail admin: "My courses", each course's learners with their
progress, a CSV export of the filtered roster, and enrolling or dropping a learner.

The views only translate HTTP. Who may see a roster is `permissions.can_manage_roster`
(anyone else gets 404 for the roster, its CSV and its actions, as if it did not exist); the
rows come from `selectors.roster_for`; enroll and drop go through `services`, and their
domain errors become admin messages.

Query plan of a roster page, whatever the number of learners: the course, the permission
check, the row count and one page of enrollments joined with their users. Progress is the
denormalised `Enrollment.completed_lessons` over the lesson count of the cached course
outline; the CSV streams the filtered rows in one query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.widgets.button import HeaderButton

from audit.services import audit_record
from courses.models import CoursePage
from courses.selectors import course_outline
from learning import services
from learning.exceptions import LearningError
from learning.models import Enrollment
from learning.permissions import can_manage_roster, is_site_administrator
from learning.selectors import enrollment_percent, roster_for
from lms_site.csv_export import csv_safe, csv_stream_response

logger = logging.getLogger(__name__)

URL_NAMESPACE = "learning_roster"
ROSTER_PAGE_SIZE = 50
# Query parameters that belong to the listing's page, not to the roster's filters.
NON_FILTER_PARAMS = ("p", "export", "_w_filter_fragment")


def staff_enrollment_action_record(*, actor, action: str, enrollment: Enrollment) -> None:
    """The one place staff enroll and drop are recorded (roster, REST roster, Django admin):
    an audit event "enrollment.staff.<action>" on the enrollment (request from the context),
    and a structured log line."""
    logger.info(
        "staff enrollment %s",
        action,
        extra={
            "actor": actor.pk,
            "action": action,
            "enrollment": enrollment.pk,
            "learner": enrollment.user_id,
            "course": enrollment.course_id,
        },
    )
    audit_record(
        f"enrollment.staff.{action}",
        actor=actor,
        target=enrollment,
        details={"learner": enrollment.user_id, "course": enrollment.course_id, "source": enrollment.source},
    )


def roster_courses_for(user) -> QuerySet[CoursePage]:
    """The courses whose roster the user may manage, with enrollment counts by status (one query).

    `permissions.can_manage_roster` as a queryset: administrators see every course (every
    edition), instructors the courses that list them.
    """
    courses = CoursePage.objects.all()
    if not is_site_administrator(user):
        courses = courses.filter(instructors=user)
    return courses.annotate(
        active_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE)),
        completed_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.COMPLETED)),
        dropped_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.DROPPED)),
    )


def _course_state(course: CoursePage) -> str:
    if course.archived:
        return "Archived"
    return "Live" if course.live else "Draft"


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


# --- My courses ----------------------------------------------------------------------------


class MyCoursesView(BaseListingView):
    """Courses the user teaches (administrators: all), each linking to its roster."""

    page_title = "My courses"
    header_icon = "group"
    paginate_by = ROSTER_PAGE_SIZE
    index_url_name = f"{URL_NAMESPACE}:index"
    index_results_url_name = f"{URL_NAMESPACE}:index_results"
    is_searchable = True
    search_fields = ["title"]
    search_backend_name = None  # plain ORM search: titles, no index needed
    default_ordering = ("title", "-edition")
    verbose_name = "course"
    verbose_name_plural = "courses"
    columns = [
        TitleColumn(
            "title",
            label="Course",
            sort_key="title",
            get_url=lambda course: reverse(f"{URL_NAMESPACE}:course", args=(course.pk,)),
        ),
        Column("edition", label="Edition", sort_key="edition"),
        StatusTagColumn(
            "state", label="Status", accessor=_course_state, primary=lambda course: course.live and not course.archived
        ),
        NumberColumn("active_count", label="Active", sort_key="active_count"),
        NumberColumn("completed_count", label="Completed", sort_key="completed_count"),
        NumberColumn("dropped_count", label="Dropped", sort_key="dropped_count"),
    ]

    def get_base_queryset(self):
        return roster_courses_for(self.request.user)


# --- One course's roster -------------------------------------------------------------------


class RosterFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Enrollment.Status.choices, empty_label="All", widget=forms.RadioSelect, label="Status"
    )
    source = django_filters.ChoiceFilter(
        choices=Enrollment.Source.choices, empty_label="All", widget=forms.RadioSelect, label="Source"
    )

    class Meta:
        model = Enrollment
        fields = ["status", "source"]


class RosterEnrollForm(forms.Form):
    email = forms.EmailField(label="Learner's email", help_text="The learner must already have an account.")

    def clean_email(self):
        email = self.cleaned_data["email"]
        self.learner = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if self.learner is None:
            raise forms.ValidationError("No active account uses this email address.")
        return email


class RosterCourseMixin:
    """The course named in the URL; 404 unless the user may manage its roster."""

    course: CoursePage

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(CoursePage, pk=kwargs["course_id"])
        if not can_manage_roster(request.user, self.course):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def index_url(self) -> str:
        return reverse(f"{URL_NAMESPACE}:course", args=(self.course.pk,))

    def filter_query(self) -> str:
        """The roster's current filters, search and ordering as a query string."""
        query = self.request.GET.copy()
        for name in NON_FILTER_PARAMS:
            query.pop(name, None)
        return query.urlencode()

    def return_url(self) -> str:
        """Where an action goes back to: the roster it was posted from (with its filters)."""
        next_url = get_valid_next_url_from_request(self.request)
        return next_url if next_url.startswith(self.index_url) else self.index_url


class LearnerColumn(Column):
    cell_template_name = "learning/admin/cells/learner_cell.html"


class ProgressColumn(Column):
    cell_template_name = "learning/admin/cells/progress_cell.html"


class DropColumn(Column):
    """A Drop button for active enrollments (a POST form; the table renders cells without the request)."""

    cell_template_name = "learning/admin/cells/drop_cell.html"

    def __init__(self, name, *, view: RosterView, **kwargs):
        super().__init__(name, **kwargs)
        self.view = view

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["can_drop"] = instance.status == Enrollment.Status.ACTIVE
        context["drop_url"] = reverse(f"{URL_NAMESPACE}:drop", args=(self.view.course.pk, instance.pk))
        context["csrf_token"] = get_token(self.view.request)
        context["next_url"] = self.view.current_url
        return context


class RosterView(RosterCourseMixin, BaseListingView):
    """The course's learners: progress, last activity, status, enrollment date and source."""

    template_name = "learning/admin/roster.html"
    page_title = "Roster"
    header_icon = "group"
    paginate_by = ROSTER_PAGE_SIZE
    is_searchable = True
    search_fields = ["user__email", "user__display_name", "user__first_name", "user__last_name"]
    search_backend_name = None  # enrollments are not search-indexed: ORM icontains on the learner
    filterset_class = RosterFilterSet
    default_ordering = "user__email"
    verbose_name = "learner"
    verbose_name_plural = "learners"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": "My courses"},
            {"url": "", "label": "Roster", "sublabel": self.get_page_subtitle()},
        ]

    def get_index_url(self):
        return self.index_url

    def get_index_results_url(self):
        return reverse(f"{URL_NAMESPACE}:course_results", args=(self.course.pk,))

    def get_base_queryset(self):
        return roster_for(course=self.course)

    @cached_property
    def lesson_count(self) -> int:
        outline = course_outline(self.course)
        return outline.lesson_count if outline else 0

    @cached_property
    def current_url(self) -> str:
        query = self.filter_query()
        page = self.request.GET.get(self.page_kwarg)
        if page:
            query = f"{query}&{urlencode({self.page_kwarg: page})}" if query else urlencode({self.page_kwarg: page})
        return f"{self.index_url}?{query}" if query else self.index_url

    @cached_property
    def csv_url(self) -> str:
        query = self.filter_query()
        return f"{self.index_url}?{query}&export=csv" if query else f"{self.index_url}?export=csv"

    @cached_property
    def columns(self):
        return [
            LearnerColumn("learner", label="Learner", accessor="user", sort_key="user__email"),
            ProgressColumn(
                "progress",
                label="Progress",
                accessor=lambda enrollment: enrollment_percent(enrollment, self.lesson_count),
                sort_key="completed_lessons",
            ),
            DateColumn("last_activity_at", label="Last activity", sort_key="last_activity_at"),
            StatusTagColumn(
                "status",
                label="Status",
                accessor=lambda enrollment: enrollment.get_status_display(),
                primary=lambda enrollment: enrollment.status == Enrollment.Status.ACTIVE,
                sort_key="status",
            ),
            DateColumn("enrolled_at", label="Enrolled", sort_key="enrolled_at"),
            Column("source", label="Source", accessor=lambda enrollment: enrollment.get_source_display()),
            DropColumn("actions", label="", view=self),
        ]

    def get_header_buttons(self):
        return [
            HeaderButton("Download CSV", url=self.csv_url, icon_name="download", attrs={"download": ""}),
            HeaderButton(
                "Edit course", url=reverse("wagtailadmin_pages:edit", args=(self.course.pk,)), icon_name="edit"
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            course=self.course,
            lesson_count=self.lesson_count,
            enroll_form=RosterEnrollForm(),
            enroll_url=reverse(f"{URL_NAMESPACE}:enroll", args=(self.course.pk,)),
            return_url=self.current_url,
        )
        return context

    # --- CSV -------------------------------------------------------------------------------

    CSV_HEADER = (
        "Name",
        "Email",
        "Status",
        "Source",
        "Progress (%)",
        "Lessons completed",
        "Lessons in course",
        "Enrolled at",
        "Last activity at",
        "Completed at",
        "Dropped at",
    )

    def csv_rows(self, enrollments: Iterable[Enrollment]) -> Iterator[tuple]:
        yield self.CSV_HEADER
        lesson_count = self.lesson_count
        for enrollment in enrollments:
            yield tuple(
                csv_safe(value)
                for value in (
                    enrollment.user.get_display_name(),
                    enrollment.user.email,
                    enrollment.get_status_display(),
                    enrollment.get_source_display(),
                    enrollment_percent(enrollment, lesson_count),
                    enrollment.completed_lessons,
                    lesson_count,
                    _iso(enrollment.enrolled_at),
                    _iso(enrollment.last_activity_at),
                    _iso(enrollment.completed_at),
                    _iso(enrollment.dropped_at),
                )
            )

    def csv_response(self) -> StreamingHttpResponse:
        """The whole filtered roster (every page), streamed in one query."""
        enrollments = self.get_queryset().iterator(chunk_size=500)
        filename = f"roster-{self.course.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        return csv_stream_response(self.csv_rows(enrollments), filename)


# --- Actions -------------------------------------------------------------------------------


class RosterEnrollView(RosterCourseMixin, View):
    """Enroll an existing user (by email) as staff: no window, price or prerequisite checks, seats still count."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RosterEnrollForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("email", ["Enter the learner's email address."])))
            return HttpResponseRedirect(self.return_url())
        learner = form.learner
        try:
            enrollment, created = services.enrollment_create(
                user=learner, course=self.course, source=Enrollment.Source.STAFF
            )
        except LearningError as error:
            messages.error(request, f"{learner.email} was not enrolled: {error.detail}")
            return HttpResponseRedirect(self.return_url())
        # New enrollments go to the newest edition, which may not be this roster's course.
        course = enrollment.course
        where = f"{course.title} (edition {course.edition})"
        if created:
            staff_enrollment_action_record(actor=request.user, action="enroll", enrollment=enrollment)
            messages.success(request, f"{learner.get_display_name()} ({learner.email}) is enrolled in {where}.")
        else:
            messages.warning(request, f"{learner.email} is already enrolled in {where}.")
        return HttpResponseRedirect(self.return_url())


class RosterDropView(RosterCourseMixin, View):
    """Drop an active enrollment; the learner keeps their progress and the seat goes to the waitlist."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        enrollment = get_object_or_404(
            Enrollment.objects.select_related("user"), pk=kwargs["enrollment_id"], course=self.course
        )
        learner = enrollment.user
        try:
            enrollment = services.enrollment_drop(enrollment=enrollment)
        except LearningError as error:
            messages.error(request, f"{learner.email} was not dropped: {error.detail}")
        else:
            staff_enrollment_action_record(actor=request.user, action="drop", enrollment=enrollment)
            messages.success(
                request,
                f"{learner.get_display_name()} ({learner.email}) was dropped from {self.course.title}. "
                "Their progress is kept: enrolling them again restores it.",
            )
        return HttpResponseRedirect(self.return_url())
