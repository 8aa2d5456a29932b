"""Reads of assessment state with their joins done: a course's assessments, its gradebook, a
learner's own grades, a quiz's item statistics.

Query plans (none grows with the number of learners, quizzes, labs or attempts):
- `course_assessments`: 1 query (placements joined with quiz, lab and lesson), +1 for the
  flag totals when the course has labs.
- `gradebook_for`: enrollments with users (1) + `course_assessments` (1–2) + attempts (1, when
  there are quizzes) + lab completions and captured flags (2, when there are labs): 6 at most.
- `grades_for`: the same shape for one learner's current enrollments: 6 at most.
- `quiz_statistics`: counted attempts (1) + stored prompts (1, usually reading one attempt).

The counted attempt of a quiz follows `services.quiz_counted_attempt` (highest or latest by the
quiz's score policy, among graded attempts that were not invalidated), computed here in bulk
from one query instead of one query per learner and quiz.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum

from assessments import statistics
from assessments.models import AssessmentPlacement, Attempt, LabCompletion, LabFlag, LabSubmission, Quiz
from courses.models import CoursePage
from learning.models import Enrollment

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# What a grade's status reads as in a table or a CSV ("" for nothing to show).
STATUS_LABELS = {
    "passed": "Passed",
    "failed": "Failed",
    "needs_grading": "Waiting for grading",
    "in_progress": "In progress",
    "completed": "Completed",
    "not_started": "",
}

# Fields of an attempt the gradebook reads (values(), no model instances, no JSON columns).
_ATTEMPT_FIELDS = (
    "id",
    "enrollment_id",
    "quiz_id",
    "status",
    "review_status",
    "score",
    "max_score",
    "percent",
    "passed",
    "submitted_at",
)


# --- Columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradebookColumn:
    """One assessment of a course, where it first appears (lesson tree order, then block order)."""

    placement: AssessmentPlacement
    flags_total: int = 0  # labs: how many flags
    points_total: int = 0  # labs: flag points before hint costs

    @property
    def kind(self) -> str:
        return "quiz" if self.placement.quiz_id else "lab"

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.assessment.pk}"

    @property
    def assessment(self):
        return self.placement.quiz if self.placement.quiz_id else self.placement.lab

    @property
    def quiz(self) -> Quiz | None:
        return self.placement.quiz if self.placement.quiz_id else None

    @property
    def lab(self):
        return self.placement.lab if self.placement.lab_id else None

    @property
    def title(self) -> str:
        return self.assessment.title

    @property
    def lesson(self):
        return self.placement.lesson

    @property
    def attempts_allowed(self) -> int | None:
        return self.quiz.attempts_allowed if self.quiz else None

    @property
    def pass_mark_percent(self) -> Decimal | None:
        return self.quiz.pass_mark_percent if self.quiz else None


def _placements(course_ids: Iterable[int]) -> QuerySet[AssessmentPlacement]:
    return (
        AssessmentPlacement.objects.filter(course_id__in=list(course_ids))
        .select_related("quiz", "lab", "lesson")
        # Content is not needed for a grade table: leave the big columns in the database.
        .defer("quiz__questions", "quiz__description", "quiz__integrity_statement", "lab__instructions", "lesson__body")
        .order_by("course_id", "lesson__path", "position", "pk")
    )


def _columns_by_course(course_ids: Iterable[int]) -> dict[int, list[GradebookColumn]]:
    """Each course's assessments in order, one column per quiz or lab (its first placement)."""
    placements = list(_placements(course_ids))
    lab_ids = {placement.lab_id for placement in placements if placement.lab_id}
    lab_totals = {}
    if lab_ids:
        lab_totals = {
            row["lab_id"]: (row["flags"], row["points"] or 0)
            for row in LabFlag.objects.filter(lab_id__in=lab_ids)
            .values("lab_id")
            .annotate(flags=Count("id"), points=Sum("points"))
            .order_by()
        }
    columns: dict[int, list[GradebookColumn]] = defaultdict(list)
    seen: set[tuple[int, str, int]] = set()
    for placement in placements:
        kind, assessment_id = ("quiz", placement.quiz_id) if placement.quiz_id else ("lab", placement.lab_id)
        if (placement.course_id, kind, assessment_id) in seen:
            continue  # the same quiz in two lessons is one grade: the counted attempt ignores the lesson
        seen.add((placement.course_id, kind, assessment_id))
        flags, points = lab_totals.get(placement.lab_id, (0, 0)) if placement.lab_id else (0, 0)
        columns[placement.course_id].append(GradebookColumn(placement, flags_total=flags, points_total=points))
    return columns


def course_assessments(course: CoursePage) -> list[GradebookColumn]:
    """The quizzes and labs placed in the course's live lessons, in lesson order (1–2 queries)."""
    return _columns_by_course([course.pk]).get(course.pk, [])


# --- Cells -------------------------------------------------------------------------------------


def _percent(score, max_score) -> Decimal | None:
    if score is None or not max_score:
        return None
    return (Decimal(score) * HUNDRED / Decimal(max_score)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class QuizGrade:
    """A learner's standing in one quiz: the counted attempt's result and how many were used."""

    column: GradebookColumn
    attempts_used: int = 0
    counted_attempt_id: int | None = None
    score: Decimal | None = None
    max_score: Decimal | None = None
    percent: Decimal | None = None
    passed: bool | None = None
    needs_grading: bool = False  # an attempt waits for essay grading
    in_progress: bool = False  # an attempt is open now
    kind: str = "quiz"

    @property
    def attempts_allowed(self) -> int | None:
        return self.column.attempts_allowed

    @property
    def status(self) -> str:
        """passed | failed | needs_grading | in_progress | not_started (the counted result first)."""
        if self.counted_attempt_id is not None:
            return "passed" if self.passed else "failed"
        if self.needs_grading:
            return "needs_grading"
        if self.in_progress:
            return "in_progress"
        return "not_started"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class LabGrade:
    """A learner's standing in one lab: the completion's score, or the flags captured so far."""

    column: GradebookColumn
    completed_at: datetime | None = None
    score: int | None = None
    max_score: int = 0
    flags_captured: int = 0
    kind: str = "lab"

    @property
    def flags_total(self) -> int:
        return self.column.flags_total

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def passed(self) -> bool | None:
        """A lab has no fail: it is done (True) or not yet (None)."""
        return True if self.completed else None

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.score, self.max_score) if self.completed else None

    @property
    def attempts_used(self) -> int | None:
        return None

    @property
    def status(self) -> str:
        """completed | in_progress (some flags captured) | not_started."""
        if self.completed:
            return "completed"
        return "in_progress" if self.flags_captured else "not_started"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _counted(attempts: list[dict], policy: str) -> dict | None:
    """services.quiz_counted_attempt over rows already loaded: the same order, in Python.

    PostgreSQL sorts NULL first in a descending order, so a missing value ranks highest here too.
    """
    counted = [
        row
        for row in attempts
        if row["status"] == Attempt.Status.GRADED and row["review_status"] != Attempt.ReviewStatus.INVALIDATED
    ]
    if not counted:
        return None

    def desc(value):
        return (value is None, value if value is not None else 0)

    if policy == Quiz.ScorePolicy.LATEST:
        return max(counted, key=lambda row: (desc(row["submitted_at"]), row["id"]))
    return max(counted, key=lambda row: (desc(row["percent"]), desc(row["submitted_at"]), row["id"]))


def _quiz_grade(column: GradebookColumn, attempts: list[dict]) -> QuizGrade:
    grade = QuizGrade(column=column, attempts_used=len(attempts))
    grade.needs_grading = any(
        row["status"] == Attempt.Status.NEEDS_GRADING and row["review_status"] != Attempt.ReviewStatus.INVALIDATED
        for row in attempts
    )
    grade.in_progress = any(row["status"] == Attempt.Status.IN_PROGRESS for row in attempts)
    counted = _counted(attempts, column.quiz.score_policy)
    if counted is not None:
        grade.counted_attempt_id = counted["id"]
        grade.score, grade.max_score = counted["score"], counted["max_score"]
        grade.percent, grade.passed = counted["percent"], counted["passed"]
    return grade


def _grades(
    enrollment_ids, columns_by_course: dict[int, list[GradebookColumn]], enrollments: list[Enrollment]
) -> dict[int, list[QuizGrade | LabGrade]]:
    """Cells per enrollment, aligned with its course's columns (3 queries at most).

    `enrollment_ids` is a queryset of enrollment pks (a subquery, so a big course does not send
    thousands of parameters) or a list.
    """
    all_columns = [column for columns in columns_by_course.values() for column in columns]
    quiz_ids = {column.placement.quiz_id for column in all_columns if column.kind == "quiz"}
    lab_ids = {column.placement.lab_id for column in all_columns if column.kind == "lab"}

    attempts: dict[tuple[int, int], list[dict]] = defaultdict(list)
    if quiz_ids:
        rows = Attempt.objects.filter(enrollment_id__in=enrollment_ids, quiz_id__in=quiz_ids).values(*_ATTEMPT_FIELDS)
        for row in rows.order_by():
            attempts[(row["enrollment_id"], row["quiz_id"])].append(row)

    completions: dict[tuple[int, int], dict] = {}
    captured: dict[tuple[int, int], int] = {}
    if lab_ids:
        for row in LabCompletion.objects.filter(enrollment_id__in=enrollment_ids, lab_id__in=lab_ids).values(
            "enrollment_id", "lab_id", "score", "max_score", "completed_at"
        ):
            completions[(row["enrollment_id"], row["lab_id"])] = row
        for row in (
            LabSubmission.objects.filter(
                enrollment_id__in=enrollment_ids, lab_id__in=lab_ids, correct=True, flag__isnull=False
            )
            .values("enrollment_id", "lab_id")
            .annotate(flags=Count("flag_id", distinct=True))
            .order_by()
        ):
            captured[(row["enrollment_id"], row["lab_id"])] = row["flags"]

    cells: dict[int, list[QuizGrade | LabGrade]] = {}
    for enrollment in enrollments:
        row_cells: list[QuizGrade | LabGrade] = []
        for column in columns_by_course.get(enrollment.course_id, []):
            if column.kind == "quiz":
                row_cells.append(_quiz_grade(column, attempts.get((enrollment.pk, column.placement.quiz_id), [])))
                continue
            key = (enrollment.pk, column.placement.lab_id)
            completion = completions.get(key)
            grade = LabGrade(column=column, max_score=column.points_total, flags_captured=captured.get(key, 0))
            if completion is not None:
                grade.completed_at = completion["completed_at"]
                grade.score, grade.max_score = completion["score"], completion["max_score"]
                grade.flags_captured = max(grade.flags_captured, column.flags_total)
            row_cells.append(grade)
        cells[enrollment.pk] = row_cells
    return cells


# --- Gradebook (instructors) ---------------------------------------------------------------------


@dataclass
class GradebookRow:
    enrollment: Enrollment
    cells: list[QuizGrade | LabGrade]

    @property
    def user(self):
        return self.enrollment.user


@dataclass
class Gradebook:
    course: CoursePage
    columns: list[GradebookColumn]
    rows: list[GradebookRow] = field(default_factory=list)


CURRENT_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def gradebook_enrollments(*, course: CoursePage, statuses: Iterable[str] = CURRENT_STATUSES) -> QuerySet[Enrollment]:
    """The gradebook's learners (current runs unless other statuses are asked for), by email."""
    return (
        Enrollment.objects.filter(course=course, status__in=list(statuses))
        .select_related("user")
        .order_by("user__email", "pk")
    )


def gradebook_for(
    *, course: CoursePage, statuses: Iterable[str] = CURRENT_STATUSES, enrollments: list[Enrollment] | None = None
) -> Gradebook:
    """The course's learners × its assessments. 6 queries at most, whatever the size.

    `enrollments`: one page of `gradebook_enrollments` (the API pages its rows); every learner
    of the given statuses when omitted.
    """
    columns = course_assessments(course)
    gradebook = Gradebook(course=course, columns=columns)
    if enrollments is None:
        enrollments_qs = gradebook_enrollments(course=course, statuses=statuses)
        enrollments = list(enrollments_qs)
        enrollment_ids = enrollments_qs.values("pk")  # a subquery: no parameter per learner
    else:
        enrollments = [enrollment for enrollment in enrollments if enrollment.course_id == course.pk]
        enrollment_ids = [enrollment.pk for enrollment in enrollments]
    if not enrollments:
        return gradebook
    cells = _grades(enrollment_ids, {course.pk: columns}, enrollments)
    gradebook.rows = [GradebookRow(enrollment=enrollment, cells=cells[enrollment.pk]) for enrollment in enrollments]
    return gradebook


# --- A learner's own grades ---------------------------------------------------------------------


@dataclass
class CourseGrades:
    enrollment: Enrollment
    columns: list[GradebookColumn]
    cells: list[QuizGrade | LabGrade]

    @property
    def course(self) -> CoursePage:
        return self.enrollment.course


def grades_for(*, user) -> list[CourseGrades]:
    """The learner's grades in each current enrollment (newest first). 6 queries at most."""
    if not user.is_authenticated:
        return []
    enrollments_qs = Enrollment.objects.current().filter(user=user)
    enrollments = list(enrollments_qs.select_related("course").order_by("-enrolled_at", "-pk"))
    if not enrollments:
        return []
    columns = _columns_by_course({enrollment.course_id for enrollment in enrollments})
    cells = _grades([enrollment.pk for enrollment in enrollments], columns, enrollments)
    return [
        CourseGrades(enrollment=enrollment, columns=columns.get(enrollment.course_id, []), cells=cells[enrollment.pk])
        for enrollment in enrollments
    ]


# --- Quiz statistics ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionStatistics:
    question_id: str
    prompt: str  # HTML as the author wrote it (the attempts' stored copy)
    type: str
    responses: int
    difficulty: Decimal | None
    discrimination: Decimal | None


@dataclass(frozen=True)
class QuizStatistics:
    quiz: Quiz
    attempt_count: int
    mean_percent: Decimal | None
    pass_rate: Decimal | None  # share of attempts passed, 0..1
    questions: list[QuestionStatistics]


def quiz_statistics(*, quiz: Quiz, attempts: QuerySet[Attempt]) -> QuizStatistics:
    """Item statistics over the counted attempts in `attempts` (every graded, not invalidated
    attempt: each try is a response to the items, not only the one that counts for the grade).

    Questions come in the quiz's current order, then any no longer in it. Two queries: the
    results, then prompts from stored attempts, read until every question has one.
    """
    counted = attempts.counted().filter(quiz=quiz).order_by("submitted_at", "pk")
    rows = list(counted.values_list("pk", "percent", "passed", "results"))
    graded = []
    for _, percent, _, results in rows:
        scores = {result["question_id"]: (Decimal(result["score"]), Decimal(result["max_score"])) for result in results}
        graded.append((percent if percent is not None else Decimal(0), scores))
    items = statistics.item_statistics(graded)

    wanted = {item.question_id for item in items}
    stored: dict[str, dict] = {}
    if wanted:
        for questions in counted.values_list("questions", flat=True).iterator(chunk_size=20):
            for question in questions:
                if question["id"] in wanted and question["id"] not in stored:
                    stored[question["id"]] = question
            if len(stored) == len(wanted):
                break

    order = {question_id: index for index, question_id in enumerate(_current_question_ids(quiz))}
    items = sorted(items, key=lambda item: (order.get(item.question_id, len(order)),))
    questions = [
        QuestionStatistics(
            question_id=item.question_id,
            prompt=stored.get(item.question_id, {}).get("prompt", ""),
            type=stored.get(item.question_id, {}).get("type", ""),
            responses=item.responses,
            difficulty=item.difficulty,
            discrimination=item.discrimination,
        )
        for item in items
    ]
    count = len(rows)
    mean = None
    pass_rate = None
    if count:
        mean = (sum((row[1] or Decimal(0) for row in rows), Decimal(0)) / count).quantize(CENT, ROUND_HALF_UP)
        pass_rate = (Decimal(sum(1 for row in rows if row[2])) / count).quantize(CENT, ROUND_HALF_UP)
    return QuizStatistics(quiz=quiz, attempt_count=count, mean_percent=mean, pass_rate=pass_rate, questions=questions)


def _current_question_ids(quiz: Quiz) -> list[str]:
    """Question ids in the quiz's current order, pools included (the raw stream: no block parsing)."""
    ids = []
    for item in quiz.questions.raw_data:
        if item["type"] == "pool":
            ids.extend(question["id"] for question in item["value"].get("questions", []))
        else:
            ids.append(item["id"])
    return ids
