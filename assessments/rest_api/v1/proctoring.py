"""Proctored exams API v1: the exam page (or an app) reports integrity events.

POST /api/v1/attempts/{id}/events/ {"kind": "tab_hidden", "details": {...}} → 204. Only the
learner's own open proctored attempt (another user's attempt is 404), from the session or
device that started it (else 409 `exam_session_active`, recorded for the proctor).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from assessments import proctoring
from assessments.client import exam_client
from assessments.models import Attempt


def _error(description: str) -> OpenApiResponse:
    # The schema hook replaces the body with the ErrorEnvelope; the description lists the codes.
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


class IntegrityEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in proctoring.CLIENT_EVENT_KINDS],
        help_text="What happened on the exam page.",
    )
    details = serializers.DictField(
        required=False,
        default=dict,
        help_text=f'Small facts about it, e.g. {{"count": 2}} or {{"length": 120}} '
        f"({proctoring.MAX_DETAILS_BYTES} bytes of JSON at most). Never clipboard text.",
    )

    def validate_details(self, value):
        if len(json.dumps(value, separators=(",", ":")).encode()) > proctoring.MAX_DETAILS_BYTES:
            raise serializers.ValidationError(f"Details are too large ({proctoring.MAX_DETAILS_BYTES} bytes at most).")
        return value


class AttemptEventView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = IntegrityEventSerializer
    filter_backends: list = []

    @extend_schema(
        summary="Report an integrity event of your proctored exam attempt",
        description=(
            "The exam page reports `tab_hidden`, `window_blur`, `copy` and `paste`; the server also records "
            "a change of IP address or browser (once per new value) and refuses a second session. "
            f"An attempt keeps at most {proctoring.MAX_EVENTS_PER_ATTEMPT} events: later ones are accepted "
            "and dropped."
        ),
        request=IntegrityEventSerializer,
        responses={
            204: None,
            400: _error("`invalid_choice` (field `kind`); `invalid` (field `details`)."),
            404: _error("`not_found`: no such attempt of yours."),
            409: _error(
                "`exam_session_active`: the exam runs in another session; `attempt_closed`: submitted or "
                "out of time; `not_proctored`."
            ),
        },
    )
    def post(self, request, pk: int):
        attempt = get_object_or_404(Attempt.objects.all(), pk=pk, user=request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            proctoring.integrity_event_record(
                attempt=attempt,
                kind=serializer.validated_data["kind"],
                details=serializer.validated_data["details"],
                **exam_client(request),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(status=status.HTTP_204_NO_CONTENT)
