"""Labs API v1: a lab's state for the learner, flag tries and hints (thin views over
assessments.lab_services and lab_selectors).

A lab is reached only where it sits in a live lesson of a course the caller is enrolled in
(`?lesson=` / `"lesson"` picks the lesson when it sits in several); anything else is a 404
`not_found`. Too many flag tries answer 429 `too_many_tries` with a Retry-After header. No
flag, flag digest or lab secret ever leaves the server; the learner's seed does when the lab
shows it.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from wagtail.rich_text import expand_db_html

from assessments import lab_services, services
from assessments.exceptions import LabNotFound
from assessments.lab_selectors import LabState, lab_state_for
from assessments.models import Lab, LabHint

# --- serializers -----------------------------------------------------------------------------


class LabLessonQuerySerializer(serializers.Serializer):
    lesson = serializers.IntegerField(
        required=False, min_value=1, help_text="The lesson the lab is opened from (when it sits in several)."
    )


class LabFlagInputSerializer(serializers.Serializer):
    flag = serializers.CharField(
        max_length=lab_services.FLAG_MAX_LENGTH, help_text="The flag as found; surrounding spaces are ignored."
    )
    lesson = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class LabHintInputSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class LabFlagRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class LabFlagResultSerializer(serializers.Serializer):
    correct = serializers.BooleanField()
    flag = LabFlagRefSerializer(allow_null=True, help_text="The flag this text captured; null when wrong.")
    already_captured = serializers.BooleanField()
    lab_completed = serializers.BooleanField()
    score = serializers.IntegerField(allow_null=True, help_text="The lab score once completed, else null.")
    max_score = serializers.IntegerField()


class LabFlagStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    captured = serializers.BooleanField()


class LabHintStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    cost = serializers.IntegerField()
    opened = serializers.BooleanField()
    text = serializers.CharField(allow_null=True, help_text="Only once opened.")


class LabPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class LabStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    instructions = serializers.CharField(help_text="HTML.")
    environment_url = serializers.URLField(allow_null=True)
    seed = serializers.CharField(allow_null=True, help_text="The caller's flag seed, when the lab shows it.")
    lesson = LabPlaceSerializer()
    course = LabPlaceSerializer()
    flags = LabFlagStateSerializer(many=True)
    hints = LabHintStateSerializer(many=True)
    tries_left = serializers.IntegerField(allow_null=True, help_text="Flag tries left this minute; null: no limit.")
    retry_after = serializers.IntegerField(allow_null=True, help_text="Seconds until the next try, when none is left.")
    hint_cost = serializers.IntegerField(help_text="Points the hints opened so far take off.")
    max_score = serializers.IntegerField()
    completed = serializers.BooleanField()
    score = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


def _place(page) -> dict:
    return {"id": page.pk, "title": page.title, "url": page.url}


def lab_state_data(state: LabState, placement) -> dict:
    lab, completion = state.lab, state.completion
    return {
        "id": lab.pk,
        "title": lab.title,
        "instructions": expand_db_html(lab.instructions),
        "environment_url": lab.environment_url or None,
        "seed": state.seed,
        "lesson": _place(placement.lesson),
        "course": _place(placement.course),
        "flags": [
            {"id": s.flag.pk, "label": s.flag.label, "points": s.flag.points, "captured": s.captured}
            for s in state.flags
        ],
        "hints": [
            {"id": s.hint.pk, "number": s.number, "cost": s.hint.cost, "opened": s.opened, "text": s.text}
            for s in state.hints
        ],
        "tries_left": state.tries_left,
        "retry_after": state.retry_after,
        "hint_cost": state.hint_cost_so_far,
        "max_score": completion.max_score if completion else state.max_score,
        "completed": completion is not None,
        "score": completion.score if completion else None,
        "completed_at": completion.completed_at if completion else None,
    }


# --- views -----------------------------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    # The schema hook replaces the body with the ErrorEnvelope; the description lists the codes.
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


NOT_FOUND = _error("`not_found`: no such lab (or hint) in a course you are enrolled in.")
TOO_MANY_TRIES = _error(
    "`too_many_tries`: the lab's flag tries per minute are used up; the `Retry-After` header says how many "
    "seconds to wait."
)


def _lab(pk: int) -> Lab:
    lab = Lab.objects.filter(pk=pk).first()
    if lab is None:
        raise LabNotFound()
    return lab


def _learner_lab(request, pk: int, lesson_id: int | None):
    lab = _lab(pk)
    placement, enrollment = services.placement_for_learner(user=request.user, lab=lab, lesson_id=lesson_id)
    if placement is None:
        raise LabNotFound()
    return lab, placement, enrollment


class LabAPIView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    pagination_class = None


class LabDetailView(LabAPIView):
    serializer_class = LabStateSerializer

    @extend_schema(
        summary="A lab in one of your courses, with your flags, hints and completion",
        parameters=[LabLessonQuerySerializer],
        responses={200: LabStateSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        query = LabLessonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lab, placement, enrollment = _learner_lab(request, pk, query.validated_data.get("lesson"))
        state = lab_state_for(request.user, lab, enrollment)
        return Response(LabStateSerializer(lab_state_data(state, placement)).data)


class LabFlagSubmitView(LabAPIView):
    serializer_class = LabFlagResultSerializer

    @extend_schema(
        summary="Submit a flag",
        description=(
            "Every try is recorded (never its text). A wrong flag is `correct: false` (200), a flag captured "
            "before is `already_captured: true`. Capturing the last flag completes the lab (`lab_completed`, "
            "`score`) and, with it, the lesson when nothing else there is left. Limited to the lab's tries per "
            "minute for each learner."
        ),
        request=LabFlagInputSerializer,
        responses={
            200: LabFlagResultSerializer,
            400: _error("`blank`, `max_length` (field `flag`)."),
            404: NOT_FOUND,
            429: TOO_MANY_TRIES,
        },
    )
    def post(self, request, pk: int):
        given = LabFlagInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        lab = _lab(pk)
        result = lab_services.lab_flag_submit(  # the service finds the learner's placement, or LabNotFound
            user=request.user,
            lab=lab,
            text=given.validated_data["flag"],
            lesson_id=given.validated_data.get("lesson"),
            ip=request.META.get("REMOTE_ADDR"),
        )
        completion = result.completion
        data = {
            "correct": result.correct,
            "flag": {"id": result.flag.pk, "label": result.flag.label} if result.flag else None,
            "already_captured": result.already_captured,
            "lab_completed": completion is not None,
            "score": completion.score if completion else None,
            "max_score": completion.max_score if completion else lab.points,
        }
        return Response(LabFlagResultSerializer(data).data)


class LabHintUnlockView(LabAPIView):
    serializer_class = LabHintStateSerializer

    @extend_schema(
        summary="Open a hint",
        description=(
            "Idempotent. The hint's cost comes off the lab score when the lab completes (a hint opened after "
            "completion costs nothing)."
        ),
        request=LabHintInputSerializer,
        responses={200: LabHintStateSerializer, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, hint_id: int):
        given = LabHintInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        lab = _lab(pk)
        hint = LabHint.objects.filter(pk=hint_id, lab=lab).first()
        if hint is None:
            raise LabNotFound("No such hint in this lab.")
        lab_services.lab_hint_unlock(
            user=request.user, lab=lab, hint=hint, lesson_id=given.validated_data.get("lesson")
        )
        order = list(LabHint.objects.filter(lab=lab).order_by("sort_order", "pk").values_list("pk", flat=True))
        number = order.index(hint.pk) + 1
        return Response(
            LabHintStateSerializer(
                {"id": hint.pk, "number": number, "cost": hint.cost, "opened": True, "text": hint.text}
            ).data
        )
