"""Privacy API v1: the caller's data export and account erasure. Everything is looked up through
`request.user`: another user's export is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from lms_site.rest.exceptions import DomainError
from privacy import downloads, selectors, services
from privacy.forms import password_confirms
from privacy.models import ExportRequest
from privacy.rest_api.v1.serializers import (
    ErasureInputSerializer,
    ErasureStatusSerializer,
    ExportRequestSerializer,
    erasure_status,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


class ExportExpired(DomainError):
    status_code = status.HTTP_410_GONE
    default_code = "export_expired"
    default_detail = "This download link has expired: request a new export."


class MeAPIView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends: list = []


class ExportView(MeAPIView):
    serializer_class = ExportRequestSerializer

    @extend_schema(summary="The caller's data exports, newest first", responses=ExportRequestSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(ExportRequest.objects.filter(user=request.user).order_by("-requested_at"))
        return self.get_paginated_response(ExportRequestSerializer(page, many=True).data)

    @extend_schema(
        summary="Request an export of the caller's data",
        description="Queues the archive (JSON of every record + the caller's files). One export is "
        "prepared at a time: while one is pending, this returns it. An email with the link follows.",
        request=None,
        responses={202: ExportRequestSerializer},
    )
    def post(self, request):
        export, _ = services.export_request_create(user=request.user, request=request)
        return Response(ExportRequestSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(MeAPIView):
    @extend_schema(
        summary="Download an export archive (zip)",
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: _error("`not_found`: no such ready export of the caller."),
            410: _error("`export_expired`: the link expired; request a new export."),
        },
    )
    def get(self, request, export_id):
        export = ExportRequest.objects.filter(pk=export_id, user=request.user).first()
        if export is None or export.status not in (ExportRequest.Status.READY, ExportRequest.Status.EXPIRED):
            raise DomainError("No such export.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        if export.is_expired():
            raise ExportExpired()
        response = downloads.export_file_response(export)
        services.export_download_record(export=export, request=request)
        return response


class ErasureView(MeAPIView):
    serializer_class = ErasureStatusSerializer

    @extend_schema(summary="The caller's scheduled erasure, if any", responses=ErasureStatusSerializer)
    def get(self, request):
        return Response(erasure_status(selectors.erasure_pending(request.user)))

    @extend_schema(
        summary="Schedule the erasure of the caller's account",
        description="Needs the password again. The account is erased after the grace period "
        "(ERASURE_GRACE_DAYS); until then DELETE cancels. Scheduling twice returns the pending one.",
        request=ErasureInputSerializer,
        responses={202: ErasureStatusSerializer, 400: _error("`wrong_password` (field `password`).")},
    )
    def post(self, request):
        serializer = ErasureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not password_confirms(request._request, request.user, serializer.validated_data["password"]):
            raise serializers.ValidationError(
                {"password": [serializers.ErrorDetail("That is not your password.", code="wrong_password")]}
            )
        erasure, _ = services.erasure_request_create(user=request.user, request=request)
        return Response(erasure_status(erasure), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Cancel the caller's scheduled erasure",
        request=None,
        responses={200: ErasureStatusSerializer, 404: _error("`not_found`: nothing is scheduled.")},
    )
    def delete(self, request):
        erasure = services.erasure_request_cancel(user=request.user, request=request)
        if erasure is None:
            raise DomainError("No erasure is scheduled.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        return Response(erasure_status(erasure))
