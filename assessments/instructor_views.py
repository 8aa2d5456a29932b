"""Instructor tools in the Wagtail admin: gradebooks (with CSV export), the essay grading queue,
quiz statistics and the regrade action.

The views only translate HTTP. Who may see what is `assessments.grading_permissions` (anyone
else gets 404, as if the course, attempt or quiz did not exist); the figures come from
`assessments.selectors`; grading and regrading go through `assessments.services` (the regrade
through its Celery task, after commit), and their validation errors become admin messages.

Query plan of a gradebook page or CSV, whatever the number of learners and assessments: the
course, the permission check, then `selectors.gradebook_for` (6 queries at most).
"""

from __future__ import annotations

import csv
import logging

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from assessments import grading_permissions, selectors, services, tasks
from assessments.models import Attempt, Quiz
from courses.models import CoursePage
from learning.admin_views import URL_NAMESPACE as ROSTER_NAMESPACE
from learning.models import Enrollment
from lms_site.csv_export import csv_safe

logger = logging.getLogger(__name__)

URL_NAMESPACE = "assessments_instructor"
GRADING_PAGE_SIZE = 20


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


class InstructorPage(WagtailAdminTemplateMixin, TemplateView):
    """An admin page with the standard header and breadcrumbs."""

    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


# --- Gradebooks ---------------------------------------------------------------------------------


class GradebookIndexView(InstructorPage):
    """The courses whose gradebook the user may open (instructors: theirs; administrators: all)."""

    template_name = "assessments/instructor/gradebook_index.html"
    page_title = "Gradebooks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        courses = grading_permissions.gradebook_courses_for(self.request.user).order_by("title", "-edition")
        context["courses"] = [
            {"course": course, "url": _url("gradebook", course.pk)}
            for course in courses.only("pk", "title", "edition", "live", "archived")
        ]
        return context


class GradebookView(InstructorPage):
    """Learners × assessments of one course: score, result and attempts; `?format=csv` exports it.

    `?status=all` adds earlier runs and dropped learners (current runs only by default).
    """

    template_name = "assessments/instructor/gradebook.html"
    page_title = "Gradebook"

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(CoursePage, pk=kwargs["course_id"])
        if not grading_permissions.can_view_gradebook(request.user, self.course):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def all_statuses(self) -> bool:
        return self.request.GET.get("status") == "all"

    def gradebook(self) -> selectors.Gradebook:
        statuses = Enrollment.Status.values if self.all_statuses else selectors.CURRENT_STATUSES
        return selectors.gradebook_for(course=self.course, statuses=statuses)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": _url("gradebook_index"), "label": "Gradebooks"},
            {"url": "", "label": "Gradebook", "sublabel": self.course.title},
        ]

    def csv_url(self) -> str:
        query = "status=all&format=csv" if self.all_statuses else "format=csv"
        return f"{_url('gradebook', self.course.pk)}?{query}"

    def get_header_buttons(self):
        return [
            HeaderButton("Download CSV", url=self.csv_url(), icon_name="download", attrs={"download": ""}),
            HeaderButton(
                "Roster", url=reverse(f"{ROSTER_NAMESPACE}:course", args=(self.course.pk,)), icon_name="group"
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        gradebook = self.gradebook()
        context.update(
            course=self.course,
            gradebook=gradebook,
            all_statuses=self.all_statuses,
            headers=[
                {"column": column, "statistics_url": _url("quiz_statistics", column.quiz.pk) if column.quiz else ""}
                for column in gradebook.columns
            ],
        )
        return context

    # --- CSV ----------------------------------------------------------------------------------

    def csv_response(self) -> HttpResponse:
        gradebook = self.gradebook()
        filename = f"gradebook-{self.course.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        writer = csv.writer(response)
        for row in gradebook_csv_rows(gradebook):
            writer.writerow([csv_safe(value) for value in row])
        return response


def _number(value) -> str:
    return "" if value is None else str(value)


def gradebook_csv_rows(gradebook: selectors.Gradebook):
    """Header, then one row per learner: name, email, enrollment status, and per assessment its
    score, maximum, percent, result and attempts used (labs: flags captured of flags)."""
    header = ["Name", "Email", "Enrollment status"]
    for column in gradebook.columns:
        last = "attempts" if column.kind == "quiz" else "flags captured"
        header += [f"{column.title}: {part}" for part in ("score", "max", "percent", "result", last)]
    yield header
    for row in gradebook.rows:
        values = [row.user.get_display_name(), row.user.email, row.enrollment.get_status_display()]
        for cell in row.cells:
            if cell.kind == "quiz":
                used = str(cell.attempts_used)
                if cell.attempts_allowed is not None:
                    used = f"{cell.attempts_used} of {cell.attempts_allowed}"
                last = used
            else:
                last = f"{cell.flags_captured} of {cell.flags_total}"
            values += [
                _number(cell.score),
                _number(cell.max_score) if cell.score is not None else "",
                _number(cell.percent),
                cell.status_label,
                last,
            ]
        yield values


# --- Essay grading queue ----------------------------------------------------------------------


def _essays(attempt: Attempt) -> list[dict]:
    """The attempt's essay questions with the learner's text, the rubric and any score given."""
    results = {row["question_id"]: row for row in attempt.results}
    essays = []
    for number, question in enumerate(attempt.questions, start=1):
        if question["type"] != "essay":
            continue
        answer = attempt.answers.get(question["id"])
        essays.append(
            {
                "id": question["id"],
                "number": number,
                "prompt": question.get("prompt", ""),
                "rubric": question.get("rubric", ""),
                "points": question["points"],
                "answer": answer if isinstance(answer, str) else "",
                "score": attempt.manual_scores.get(question["id"]),
                "status": results.get(question["id"], {}).get("status", ""),
            }
        )
    return essays


class GradingQueueView(InstructorPage):
    """Submitted attempts waiting for essay grading in the courses the user teaches, oldest first."""

    template_name = "assessments/instructor/grading_queue.html"
    page_title = "Essays to grade"
    header_icon = "edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempts = (
            grading_permissions.grading_queue_for(self.request.user)
            .filter(status=Attempt.Status.NEEDS_GRADING)
            .select_related("quiz", "user", "enrollment__course")
            .order_by("submitted_at", "pk")
        )
        page = Paginator(attempts, GRADING_PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            page_obj=page,
            items=[
                {"attempt": attempt, "essays": _essays(attempt), "grade_url": _url("grade_attempt", attempt.pk)}
                for attempt in page
            ],
        )
        return context


class AttemptGradeView(View):
    """Score the essays of one attempt (`points-<question id>` fields; blank ones are left as they are).

    All scores of the form are saved together or not at all; the attempt becomes final (and a
    pass completes the lesson) when its last essay is scored.
    """

    http_method_names = ["post"]

    def post(self, request, attempt_id: int):
        attempt = get_object_or_404(
            grading_permissions.grading_queue_for(request.user).select_related("enrollment", "quiz", "user"),
            pk=attempt_id,
        )
        given = {}
        for essay in _essays(attempt):
            value = request.POST.get(f"points-{essay['id']}", "").strip()
            if value:
                given[essay["id"]] = value
        if not given:
            messages.warning(request, "Enter points for at least one essay.")
            return HttpResponseRedirect(self.return_url(request))
        try:
            with transaction.atomic():
                for question_id, points in given.items():
                    attempt = services.attempt_grade_essay(
                        attempt=attempt, question_id=question_id, points=points, by=request.user
                    )
        except ValidationError as error:
            messages.error(request, f"Not saved: {' '.join(error.messages)}")
            return HttpResponseRedirect(self.return_url(request))
        learner = attempt.user.get_display_name()
        if attempt.status == Attempt.Status.GRADED:
            result = "passed" if attempt.passed else "did not pass"
            messages.success(
                request,
                f"{learner}'s attempt at “{attempt.quiz.title}” is graded: {attempt.score} of {attempt.max_score} "
                f"({attempt.percent}%), {result}.",
            )
        else:
            messages.success(request, f"Saved. {learner}'s attempt still has essays to grade.")
        return HttpResponseRedirect(self.return_url(request))

    def return_url(self, request) -> str:
        page = request.POST.get("p", "")
        return f"{_url('grading_queue')}?p={page}" if page.isdigit() else _url("grading_queue")


# --- Quiz statistics and regrade --------------------------------------------------------------


class QuizScopeMixin:
    """The quiz named in the URL; 404 unless the user teaches a course using it (or administers)."""

    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_object_or_404(Quiz, pk=kwargs["quiz_id"])
        if not grading_permissions.can_view_quiz_statistics(request.user, self.quiz):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class QuizStatisticsView(QuizScopeMixin, InstructorPage):
    """Per question: responses, difficulty (share with full points) and discrimination, over the
    graded, not invalidated attempts in the courses the user teaches (administrators: all)."""

    template_name = "assessments/instructor/quiz_statistics.html"
    page_title = "Quiz statistics"
    header_icon = "help"

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailsnippets_assessments_quiz:list"), "label": "Quizzes and exams"},
            {"url": "", "label": "Statistics", "sublabel": self.quiz.title},
        ]

    def get_header_buttons(self):
        return [
            HeaderButton(
                "Edit quiz",
                url=reverse("wagtailsnippets_assessments_quiz:edit", args=(self.quiz.pk,)),
                icon_name="edit",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempts = grading_permissions.statistics_attempts_for(self.request.user, self.quiz)
        context.update(
            quiz=self.quiz,
            stats=selectors.quiz_statistics(quiz=self.quiz, attempts=attempts),
            regrade_url=_url("quiz_regrade", self.quiz.pk),
        )
        return context


class QuizRegradeView(QuizScopeMixin, View):
    """Regrade every submitted attempt of the quiz against its current published answer key.

    Runs as a Celery task after commit (inline in development); scores and lesson completion
    follow (a pass turned into a fail takes the completion back).
    """

    http_method_names = ["post"]

    def post(self, request, quiz_id: int):
        quiz, user = self.quiz, request.user

        def enqueue():
            result = tasks.quiz_regrade.delay(quiz.pk, user.pk)
            if _ran_inline(result):
                counts = result.get()
                messages.success(
                    request,
                    f"“{quiz.title}” regraded: {counts['attempts']} attempt(s), {counts['changed']} changed, "
                    f"{counts['now_passed']} now passed, {counts['now_failed']} now failed.",
                )
            else:
                messages.success(request, f"Regrading “{quiz.title}” has started; scores update in a few moments.")

        logger.info("quiz regrade requested", extra={"quiz": quiz.pk, "by": user.pk})
        transaction.on_commit(enqueue)
        return HttpResponseRedirect(_url("quiz_statistics", quiz.pk))


def _ran_inline(result) -> bool:
    """An eager result (development, tests) holds its value; a queued one is only an id."""
    from celery.result import EagerResult

    return isinstance(result, EagerResult)
