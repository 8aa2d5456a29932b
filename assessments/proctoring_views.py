"""Proctored exams on the site and in the Wagtail admin: thin views over assessments.proctoring.

- The exam page's event beacon, POST /assessments/attempts/<id>/events/: the API view of
  assessments.rest_api.v1.proctoring with session authentication only (CSRF header
  required), so both answer the same way: 204, 400 with the field, 404 for another user's
  attempt, 409 `exam_session_active` / `attempt_closed`.
- "Exam reviews" in the Wagtail admin (/admin/exam-reviews/): the submitted proctored
  attempts the user may review (`permissions.proctor_queue_for`; anyone else's are 404), and
  per attempt its integrity timeline (UTC) and the review form (`proctoring.attempt_review`).

Query plan of the queue, whatever the number of attempts and events: Wagtail's admin chrome,
the row count, one page of attempts joined with learner, exam and course and their event
counts (correlated subqueries in the same query), and the exam filter's choices. The detail page reads
the attempt with its joins and its events in one query each.
"""

from __future__ import annotations

import logging

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from rest_framework.authentication import SessionAuthentication
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from accounts import roles
from assessments import proctoring
from assessments.exceptions import AssessmentError
from assessments.models import Attempt, IntegrityEvent, Quiz
from assessments.permissions import proctor_queue_for
from assessments.rest_api.v1.proctoring import AttemptEventView
from learning.permissions import is_site_administrator

logger = logging.getLogger(__name__)

URL_NAMESPACE = "assessments_exam_reviews"
QUEUE_PAGE_SIZE = 50
Kind = IntegrityEvent.Kind
ReviewStatus = Attempt.ReviewStatus
# What a proctor looks at first; STARTED and SUBMITTED are the frame of every timeline.
ALERT_KINDS = (
    Kind.SECOND_SESSION,
    Kind.IP_CHANGED,
    Kind.USER_AGENT_CHANGED,
    Kind.TAB_HIDDEN,
    Kind.WINDOW_BLUR,
    Kind.COPY,
    Kind.PASTE,
)


# --- learner side: the exam page's beacon ------------------------------------------------------


class AttemptEventBeaconView(AttemptEventView):
    """The exam page's beacon (same behaviour as the API endpoint; session and CSRF only)."""

    authentication_classes = [SessionAuthentication]
    schema = None  # documented once, under /api/v1/


attempt_events = AttemptEventBeaconView.as_view()


# --- who sees the admin menu -------------------------------------------------------------------


def exam_reviews_menu_shown(user) -> bool:
    """Users who may have something to review: administrators, instructors, quiz proctors."""
    if not (user.is_authenticated and user.is_active):
        return False
    if is_site_administrator(user) or user.has_role(roles.INSTRUCTOR):
        return True
    return Quiz.objects.filter(proctor=user).exists()


def _queue(user):
    return proctor_queue_for(user).exclude(status=Attempt.Status.IN_PROGRESS)


# --- the queue ---------------------------------------------------------------------------------


def _queue_quizzes(request):
    if request is None:
        return Quiz.objects.none()
    return Quiz.objects.filter(pk__in=_queue(request.user).values("quiz_id")).order_by("title")


REVIEW_FILTER_CHOICES = [
    (ReviewStatus.PENDING.value, ReviewStatus.PENDING.label),
    (ReviewStatus.FLAGGED.value, ReviewStatus.FLAGGED.label),
    (ReviewStatus.APPROVED.value, ReviewStatus.APPROVED.label),
    (ReviewStatus.INVALIDATED.value, ReviewStatus.INVALIDATED.label),
]


class ExamReviewFilterSet(WagtailFilterSet):
    review_status = django_filters.ChoiceFilter(
        choices=REVIEW_FILTER_CHOICES, empty_label="All", widget=forms.RadioSelect, label="Review"
    )
    quiz = django_filters.ModelChoiceFilter(queryset=_queue_quizzes, empty_label="All exams", label="Exam")

    class Meta:
        model = Attempt
        fields = ["review_status", "quiz"]


def _events_counted(kinds=None):
    events = IntegrityEvent.objects.filter(attempt=OuterRef("pk"))
    if kinds:
        events = events.filter(kind__in=kinds)
    counted = events.order_by().values("attempt").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def review_url(attempt: Attempt) -> str:
    return reverse(f"{URL_NAMESPACE}:detail", args=(attempt.pk,))


class ExamReviewListView(BaseListingView):
    """Submitted proctored attempts the user may review, newest first, with their alert counts."""

    page_title = "Exam reviews"
    header_icon = "view"
    paginate_by = QUEUE_PAGE_SIZE
    index_url_name = f"{URL_NAMESPACE}:index"
    index_results_url_name = f"{URL_NAMESPACE}:index_results"
    filterset_class = ExamReviewFilterSet
    default_ordering = "-submitted_at"
    verbose_name = "exam attempt"
    verbose_name_plural = "exam attempts"
    columns = [
        TitleColumn(
            "learner",
            label="Learner",
            accessor=lambda attempt: attempt.user.get_display_name(),
            sort_key="user__email",
            get_url=review_url,
        ),
        Column("email", label="Email", accessor="user.email"),
        Column("quiz", label="Exam", accessor="quiz.title", sort_key="quiz__title"),
        Column("course", label="Course", accessor="enrollment.course.title"),
        DateColumn("submitted_at", label="Submitted", sort_key="submitted_at"),
        Column(
            "score",
            label="Score",
            accessor=lambda attempt: "" if attempt.percent is None else f"{attempt.percent:.0f}%",
            sort_key="percent",
        ),
        NumberColumn("alert_count", label="Alerts", sort_key="alert_count"),
        NumberColumn("event_count", label="Events", sort_key="event_count"),
        StatusTagColumn(
            "review_status",
            label="Review",
            accessor=lambda attempt: attempt.get_review_status_display(),
            primary=lambda attempt: attempt.review_status == ReviewStatus.PENDING,
            sort_key="review_status",
        ),
    ]

    def get_base_queryset(self):
        return (
            _queue(self.request.user)
            .select_related("user", "quiz", "enrollment__course")
            # The drawn questions and answers are large and not shown here.
            .defer("questions", "answers", "results", "manual_scores")
            # Correlated counts (one index lookup per row of the page) rather than a join and
            # GROUP BY: the paginator's row count then leaves the events table alone.
            .annotate(event_count=_events_counted(), alert_count=_events_counted(ALERT_KINDS))
        )


# --- one attempt -------------------------------------------------------------------------------


class ExamReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", "Approve: the attempt counts"),
            ("flag", "Flag: the attempt counts, with a note"),
            ("invalidate", "Invalidate: the attempt does not count"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        max_length=proctoring.MAX_REVIEW_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to flag or invalidate. The learner sees it with the decision.",
    )


class ExamReviewDetailView(WagtailAdminTemplateMixin, TemplateView):
    """Learner, exam, score, start address and browser, the event timeline and the review form."""

    template_name = "assessments/admin/exam_review_detail.html"
    page_title = "Exam review"
    header_icon = "view"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.attempt = get_object_or_404(
            proctor_queue_for(request.user).select_related(
                "user", "quiz", "enrollment__course", "lesson", "reviewed_by"
            ),
            pk=kwargs["attempt_id"],
        )
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def url(self) -> str:
        return review_url(self.attempt)

    def get_page_subtitle(self):
        return f"{self.attempt.user.get_display_name()}, {self.attempt.quiz.title}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": "Exam reviews"},
            {"url": "", "label": "Exam review", "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempt = self.attempt
        events = list(attempt.integrity_events.all())
        context.update(
            attempt=attempt,
            learner=attempt.user,
            events=events,
            alert_count=sum(1 for event in events if event.kind in ALERT_KINDS),
            alert_kinds=ALERT_KINDS,
            events_capped=len(events) >= proctoring.MAX_EVENTS_PER_ATTEMPT,
            can_review=not attempt.is_open,
            form=kwargs.get("form")
            or ExamReviewForm(
                initial={
                    "decision": {
                        ReviewStatus.APPROVED: "approve",
                        ReviewStatus.FLAGGED: "flag",
                        ReviewStatus.INVALIDATED: "invalidate",
                    }.get(attempt.review_status),
                    "note": attempt.review_note,
                }
            ),
            action_url=self.url,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ExamReviewForm(request.POST)
        if form.is_valid():
            try:
                proctoring.attempt_review(
                    attempt=self.attempt,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except AssessmentError as error:
                messages.error(request, str(error.detail))
                return HttpResponseRedirect(self.url)
            else:
                learner = self.attempt.user.get_display_name()
                verdict = {"approve": "approved", "flag": "flagged", "invalidate": "invalidated"}
                messages.success(
                    request,
                    f"{learner}'s attempt at {self.attempt.quiz.title} is {verdict[form.cleaned_data['decision']]}.",
                )
                return HttpResponseRedirect(self.url)
        messages.validation_error(request, "The review was not saved: see the errors below.", form)
        return self.render_to_response(self.get_context_data(form=form), status=400)
