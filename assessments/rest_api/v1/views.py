"""Quizzes and attempts API v1: thin views over assessments.services.

A learner reaches a quiz only where it is placed in a course they are enrolled in, and an
attempt only if it is theirs: anything else is a 404. Answer keys never leave the server
before the quiz's settings allow (assessments.presentation decides what is shown).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments import services
from assessments.client import exam_client
from assessments.models import Attempt, Quiz
from assessments.rest_api.v1.serializers import (
    AnswersSerializer,
    AttemptSerializer,
    AttemptStartSerializer,
    QuizSerializer,
    SubmitSerializer,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


NOT_FOUND = _error("`not_found`: no such quiz or attempt of yours.")


def _attempt_response(attempt: Attempt, *, status_code=status.HTTP_200_OK) -> Response:
    seconds_left = None
    if attempt.is_open and attempt.deadline:
        seconds_left = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    reveal = False if attempt.is_open else services.attempt_answers_visible(attempt)
    data = AttemptSerializer(attempt, context={"reveal": reveal, "seconds_left": seconds_left}).data
    return Response(data, status=status_code)


def _own_attempt(request, pk: int) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("quiz", "lesson"), pk=pk, user=request.user)


def _session_check(request, attempt: Attempt) -> None:
    if attempt.quiz.proctored and attempt.is_open:
        from assessments.proctoring import attempt_session_check

        attempt_session_check(attempt=attempt, **exam_client(request))


class QuizDetailView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = QuizSerializer

    @extend_schema(
        summary="A quiz in one of your courses (no questions, no answers)",
        responses={200: QuizSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=pk)
        placement, enrollment = services.placement_for_learner(user=request.user, quiz=quiz)
        if placement is None:
            raise NotFound()
        quiz.placement_lesson_id = placement.lesson_id
        quiz.placement_course_id = placement.course_id
        quiz.attempts_used = Attempt.objects.filter(enrollment=enrollment, quiz=quiz).count()
        return Response(QuizSerializer(quiz).data)


class AttemptStartView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AttemptStartSerializer

    @extend_schema(
        summary="Start an attempt (or resume the open one)",
        request=AttemptStartSerializer,
        responses={
            201: AttemptSerializer,
            200: AttemptSerializer,
            400: _error("`integrity_statement_required` (proctored exams)."),
            404: NOT_FOUND,
            409: _error("`quiz_unavailable`; `attempt_limit_reached`; `exam_session_active`."),
        },
    )
    def post(self, request, pk: int):
        quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=pk)
        serializer = AttemptStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = exam_client(request)
        if quiz.proctored and not client["session_key"]:
            raise serializers.ValidationError(
                {
                    "X-Exam-Session": "A proctored exam taken with a token needs a device id in the X-Exam-Session header."
                }
            )
        attempt, created = services.attempt_start(
            user=request.user,
            quiz=quiz,
            lesson_id=serializer.validated_data.get("lesson"),
            integrity_accepted=serializer.validated_data["integrity_accepted"],
            **client,
        )
        return _attempt_response(attempt, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AttemptDetailView(generics.GenericAPIView):
    """GET: the attempt (questions without keys while open). PUT: save answers (autosave)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnswersSerializer

    def get_queryset(self):
        # Only for DRF's OPTIONS metadata (it looks the object up for PUT); the handlers use _own_attempt.
        return Attempt.objects.filter(user=self.request.user)

    @extend_schema(summary="One of your attempts", responses={200: AttemptSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        attempt = services.attempt_close_if_expired(attempt=_own_attempt(request, pk))
        return _attempt_response(attempt)

    @extend_schema(
        summary="Save answers (merged into what is saved)",
        request=AnswersSerializer,
        responses={
            200: AttemptSerializer,
            400: _error("`invalid` (field `answers`): unknown question ids or answers too long."),
            404: NOT_FOUND,
            409: _error("`attempt_closed`: submitted, or the time ran out (then it is submitted)."),
        },
    )
    def put(self, request, pk: int):
        attempt = _own_attempt(request, pk)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _session_check(request, attempt)
        attempt = services.attempt_save(attempt=attempt, answers=serializer.validated_data["answers"])
        return _attempt_response(attempt)


class AttemptSubmitView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SubmitSerializer

    @extend_schema(
        summary="Submit an attempt (idempotent: a repeat returns the graded attempt)",
        request=SubmitSerializer,
        responses={200: AttemptSerializer, 400: _error("`invalid` (field `answers`)."), 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        attempt = _own_attempt(request, pk)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _session_check(request, attempt)
        attempt = services.attempt_submit(attempt=attempt, answers=serializer.validated_data.get("answers"))
        return _attempt_response(attempt)
