"""Certificates API v1: thin views over certificates.selectors (reads) and services (writes).

The caller's certificates are looked up through `request.user`: another user's certificate is
a 404, never its data. Verification is public (no authentication at all, its own anonymous
throttle) and the same for every caller.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from certificates import selectors, services
from certificates.exceptions import CertificateNotFound
from certificates.models import Certificate
from certificates.rest_api.v1.serializers import NewRunSerializer, OwnCertificateSerializer, VerificationSerializer


def _error(description: str) -> OpenApiResponse:
    # The schema hook replaces the body with the ErrorEnvelope; the description lists the codes.
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


NOT_FOUND = _error("`not_found`: no such certificate of the caller.")


class CertificateVerifyThrottle(AnonRateThrottle):
    """Per-address limit on public verification (scope `certificate_verify`): codes are not
    guessable, and this keeps anyone from trying."""

    scope = "certificate_verify"


class OwnCertificatesMixin:
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    serializer_class = OwnCertificateSerializer

    def own_states(self, certificates) -> list[selectors.OwnCertificate]:
        return selectors.own_certificate_states(list(certificates), selectors.own_family_rows(self.request.user))


class CertificateListView(OwnCertificatesMixin, generics.GenericAPIView):
    @extend_schema(summary="The caller's certificates", responses=OwnCertificateSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.certificates_of(request.user))
        return self.get_paginated_response(OwnCertificateSerializer(self.own_states(page), many=True).data)


class CertificateDetailView(OwnCertificatesMixin, generics.GenericAPIView):
    @extend_schema(
        summary="One of the caller's certificates", responses={200: OwnCertificateSerializer, 404: NOT_FOUND}
    )
    def get(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_of(request.user), pk=pk)
        return Response(OwnCertificateSerializer(self.own_states([certificate])[0]).data)


class CertificateRecertifyView(OwnCertificatesMixin, generics.GenericAPIView):
    serializer_class = NewRunSerializer

    @extend_schema(
        summary="Take the course of a certificate again (recertification)",
        description=(
            "Open on the caller's current certificate of a course once it is expired or expires within "
            "CERTIFICATE_REMINDER_DAYS (`can_recertify`). Starts a new run of the course in its current edition "
            "with fresh progress; earlier runs and certificates stay in the history. Completing the run issues "
            "a new certificate with a new code and validity."
        ),
        request=None,
        responses={
            201: NewRunSerializer,
            404: NOT_FOUND,
            409: _error(
                "`recertification_not_open` (not the current certificate, or not expiring yet); "
                "`recertification_in_progress` (a new run is under way); `course_full`."
            ),
        },
    )
    def post(self, request, pk: int):
        certificate = get_object_or_404(Certificate.objects.filter(user=request.user), pk=pk)
        enrollment = services.certificate_recertify(user=request.user, certificate=certificate)
        return Response(NewRunSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class CertificateVerifyView(generics.GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CertificateVerifyThrottle]
    filter_backends: list = []
    serializer_class = VerificationSerializer

    @extend_schema(
        summary="Verify a certificate by its code (public)",
        description=(
            "No authentication. Answers the status (`valid`, `expired`, `revoked` with date and reason), the "
            "certificate's snapshot and the learner's history for the course, and which certificate is current. "
            "Nothing else about the learner."
        ),
        auth=[],
        responses={200: VerificationSerializer, 404: _error("`certificate_not_found`: no certificate has this code.")},
    )
    def get(self, request, code: str):
        verification = selectors.certificate_verification(code)
        if verification is None:
            raise CertificateNotFound()
        return Response(VerificationSerializer(verification).data)
