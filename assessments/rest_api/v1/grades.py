"""Grades API v1: the caller's own grades, and a course's gradebook for its instructors.

Thin: reads come from `assessments.selectors` (a fixed number of queries whatever the number of
learners, assessments or attempts), access from `assessments.grading_permissions`. A gradebook
of a course the caller does not teach answers 404, as if the course did not exist.

Both endpoints describe assessments once (`assessments`, in lesson order) and give grades that
point at them by `assessment` key ("quiz-<id>" or "lab-<id>").
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments import grading_permissions, selectors
from courses.models import CoursePage
from learning.models import Enrollment
from learning.rest_api.v1.serializers import CourseRefSerializer, course_ref

# --- Shapes --------------------------------------------------------------------------------------


class AssessmentLessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"quiz-<id>" or "lab-<id>": what grades point at.')
    kind = serializers.ChoiceField(choices=["quiz", "lab"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    lesson = AssessmentLessonSerializer(help_text="The first lesson that places it.")
    pass_mark_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    attempts_allowed = serializers.IntegerField(allow_null=True, help_text="Quizzes; null: unlimited (or a lab).")
    score_policy = serializers.ChoiceField(
        choices=["highest", "latest"], allow_null=True, help_text="Which attempt counts (quizzes)."
    )
    flags_total = serializers.IntegerField(allow_null=True, help_text="Labs.")


class GradeSerializer(serializers.Serializer):
    assessment = serializers.CharField(help_text="The assessment's key.")
    status = serializers.ChoiceField(
        choices=["passed", "failed", "needs_grading", "in_progress", "completed", "not_started"],
        help_text="Quizzes: the counted attempt's result, else waiting for grading, in progress or not started. "
        "Labs: completed, in progress (some flags captured) or not started.",
    )
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text="Labs: true once completed, else null.")
    attempts_used = serializers.IntegerField(allow_null=True, help_text="Quizzes.")
    needs_grading = serializers.BooleanField(help_text="An attempt waits for an instructor to grade its essays.")
    counted_attempt = serializers.IntegerField(allow_null=True, help_text="The id of the attempt that counts.")
    flags_captured = serializers.IntegerField(allow_null=True, help_text="Labs.")
    completed_at = serializers.DateTimeField(allow_null=True, help_text="Labs.")


class EnrollmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)


class CourseGradesSerializer(serializers.Serializer):
    enrollment = EnrollmentRefSerializer()
    course = CourseRefSerializer()
    assessments = AssessmentSerializer(many=True)
    grades = GradeSerializer(many=True, help_text="In the order of `assessments`.")


class LearnerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class GradebookRowSerializer(serializers.Serializer):
    enrollment = EnrollmentRefSerializer()
    learner = LearnerRefSerializer()
    grades = GradeSerializer(many=True, help_text="In the order of `assessments`.")


class GradebookSerializer(serializers.Serializer):
    course = CourseRefSerializer()
    assessments = AssessmentSerializer(many=True)
    rows = GradebookRowSerializer(many=True, help_text="One page of learners, by email (see meta.pagination).")


def assessment_data(column: selectors.GradebookColumn) -> dict:
    quiz = column.quiz
    return {
        "key": column.key,
        "kind": column.kind,
        "id": column.assessment.pk,
        "title": column.title,
        "lesson": {"id": column.lesson.pk, "title": column.lesson.title},
        "pass_mark_percent": quiz.pass_mark_percent if quiz else None,
        "attempts_allowed": quiz.attempts_allowed if quiz else None,
        "score_policy": quiz.score_policy if quiz else None,
        "flags_total": None if quiz else column.flags_total,
    }


def grade_data(cell: selectors.QuizGrade | selectors.LabGrade) -> dict:
    is_quiz = cell.kind == "quiz"
    return {
        "assessment": cell.column.key,
        "status": cell.status,
        "score": cell.score,
        "max_score": cell.max_score if cell.score is not None else None,
        "percent": cell.percent,
        "passed": cell.passed,
        "attempts_used": cell.attempts_used if is_quiz else None,
        "needs_grading": cell.needs_grading if is_quiz else False,
        "counted_attempt": cell.counted_attempt_id if is_quiz else None,
        "flags_captured": None if is_quiz else cell.flags_captured,
        "completed_at": None if is_quiz else cell.completed_at,
    }


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


# --- Views ---------------------------------------------------------------------------------------


class GradesView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    pagination_class = None
    serializer_class = CourseGradesSerializer

    @extend_schema(
        summary="The caller's grades",
        description=(
            "Per current enrollment (active or completed, newest first): the course's quizzes and labs in "
            "lesson order and the caller's grade in each. A quiz's grade is its counted attempt (highest or "
            "latest, as the quiz says)."
        ),
        responses={200: CourseGradesSerializer(many=True)},
    )
    def get(self, request):
        data = [
            {
                "enrollment": {"id": item.enrollment.pk, "status": item.enrollment.status},
                "course": course_ref(item.course),
                "assessments": [assessment_data(column) for column in item.columns],
                "grades": [grade_data(cell) for cell in item.cells],
            }
            for item in selectors.grades_for(user=request.user)
        ]
        return Response(CourseGradesSerializer(data, many=True).data)


class GradebookView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    serializer_class = GradebookSerializer

    @extend_schema(
        summary="A course's gradebook",
        description=(
            "Instructors of the course and site administrators. Learners (current runs unless `status=all`) "
            "× the course's quizzes and labs; rows are paged (`page`, `page_size`, see meta.pagination)."
        ),
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=["current", "all"],
                description="`all` adds dropped learners and earlier runs.",
            ),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="At most 100."),
        ],
        responses={
            200: GradebookSerializer,
            404: _error("`not_found`: no such course, or the caller does not teach it."),
        },
    )
    def get(self, request, course_id: int):
        course = get_object_or_404(CoursePage, pk=course_id)
        if not grading_permissions.can_view_gradebook(request.user, course):
            raise NotFound()
        every_run = request.query_params.get("status") == "all"
        statuses = Enrollment.Status.values if every_run else selectors.CURRENT_STATUSES
        enrollments = selectors.gradebook_enrollments(course=course, statuses=statuses)
        page = self.paginate_queryset(enrollments)
        gradebook = selectors.gradebook_for(course=course, enrollments=list(page))
        data = {
            "course": course_ref(course),
            "assessments": [assessment_data(column) for column in gradebook.columns],
            "rows": [
                {
                    "enrollment": {"id": row.enrollment.pk, "status": row.enrollment.status},
                    "learner": {
                        "id": row.user.pk,
                        "email": row.user.email,
                        "display_name": row.user.get_display_name(),
                    },
                    "grades": [grade_data(cell) for cell in row.cells],
                }
                for row in gradebook.rows
            ],
        }
        return self.get_paginated_response(GradebookSerializer(data).data)
