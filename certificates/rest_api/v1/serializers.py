"""Output shapes of the certificates API. No writes here: views call certificates.services and
serialize what services and selectors return."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.models import Certificate
from certificates.selectors import certificate_verify_url
from learning.models import Enrollment
from learning.rest_api.v1.serializers import CourseRefSerializer, course_ref


class CompetencySnapshotSerializer(serializers.Serializer):
    framework = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class CertificateSnapshotSerializer(serializers.Serializer):
    """What the certificate says, as taken when it was issued (never read live from the course)."""

    learner_name = serializers.CharField(
        help_text='"holder removed at their request" once the holder had their account erased (see holder_removed).'
    )
    holder_removed = serializers.BooleanField(
        help_text="The holder's account was erased at their request: the certificate stays verifiable, without a name."
    )
    course_title = serializers.CharField()
    hours = serializers.IntegerField()
    completed_at = serializers.DateTimeField()
    instructors = serializers.ListField(child=serializers.CharField(), help_text="Instructor names.")
    competencies = CompetencySnapshotSerializer(many=True)


class CertificateRefSerializer(serializers.Serializer):
    """Another certificate of the same history, as verification shows it."""

    code = serializers.CharField()
    status = serializers.ChoiceField(choices=Certificate.Status.choices)
    run = serializers.IntegerField(help_text="1 for the first time through the course, 2 for a retake …")
    course_title = serializers.CharField()
    completed_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(allow_blank=True)
    verify_url = serializers.URLField()


def certificate_ref(certificate: Certificate, moment) -> dict:
    return {
        "code": certificate.code,
        "status": certificate.status_at(moment),
        "run": certificate.run,
        "course_title": certificate.course_title,
        "completed_at": certificate.completed_at,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "revoked_at": certificate.revoked_at,
        "revoked_reason": certificate.revoked_reason,
        "verify_url": certificate_verify_url(certificate),
    }


class HistoryEntrySerializer(CertificateRefSerializer):
    is_current = serializers.BooleanField()


class VerificationSerializer(serializers.Serializer):
    """`certificates.selectors.Verification`: public, nothing about the learner beyond the snapshot."""

    code = serializers.CharField(source="certificate.code")
    status = serializers.ChoiceField(
        choices=Certificate.Status.choices, help_text="`valid`, `expired` (see expires_at) or `revoked`."
    )
    is_current = serializers.BooleanField(
        help_text="False when a newer certificate (a later run or a reissue) replaced this one: see `current`."
    )
    run = serializers.IntegerField(source="certificate.run")
    snapshot = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField(source="certificate.issued_at")
    expires_at = serializers.DateTimeField(source="certificate.expires_at", allow_null=True)
    revoked_at = serializers.DateTimeField(source="certificate.revoked_at", allow_null=True)
    revoked_reason = serializers.CharField(source="certificate.revoked_reason", allow_blank=True)
    verify_url = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(
        help_text="The learner's current certificate of this course when it is not this one; null otherwise."
    )
    replaced_by = serializers.SerializerMethodField(help_text="The certificate that reissued this one, if any.")
    history = serializers.SerializerMethodField(
        help_text="The learner's certificates of this course (every edition, run and reissue), newest first."
    )
    checked_at = serializers.DateTimeField()

    @extend_schema_field(CertificateSnapshotSerializer)
    def get_snapshot(self, verification) -> dict:
        return CertificateSnapshotSerializer(verification.certificate).data

    def get_verify_url(self, verification) -> str:
        return certificate_verify_url(verification.certificate)

    @extend_schema_field(CertificateRefSerializer(allow_null=True))
    def get_current(self, verification) -> dict | None:
        if verification.current is None or verification.is_current:
            return None
        return certificate_ref(verification.current, verification.checked_at)

    @extend_schema_field(CertificateRefSerializer(allow_null=True))
    def get_replaced_by(self, verification) -> dict | None:
        if verification.replaced_by is None:
            return None
        return certificate_ref(verification.replaced_by, verification.checked_at)

    @extend_schema_field(HistoryEntrySerializer(many=True))
    def get_history(self, verification) -> list[dict]:
        current_id = verification.current.pk if verification.current else None
        return [
            {**certificate_ref(entry, verification.checked_at), "is_current": entry.pk == current_id}
            for entry in verification.history
        ]


class OwnCertificateSerializer(serializers.Serializer):
    """One of the caller's certificates; built from `certificates.selectors.OwnCertificate`."""

    id = serializers.IntegerField(source="certificate.pk")
    code = serializers.CharField(source="certificate.code")
    course = serializers.SerializerMethodField()
    run = serializers.IntegerField(source="certificate.run")
    snapshot = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField(source="certificate.issued_at")
    expires_at = serializers.DateTimeField(source="certificate.expires_at", allow_null=True)
    status = serializers.ChoiceField(choices=Certificate.Status.choices)
    revoked_at = serializers.DateTimeField(source="certificate.revoked_at", allow_null=True)
    revoked_reason = serializers.CharField(source="certificate.revoked_reason", allow_blank=True)
    is_current = serializers.BooleanField(help_text="The newest unrevoked certificate of this course for the caller.")
    can_recertify = serializers.BooleanField(
        help_text="POST …/recertify/ is open: the current certificate is expired or expires soon."
    )
    pdf_url = serializers.SerializerMethodField(
        help_text="Download link of the PDF (session or JWT); null while it is being prepared, or once revoked."
    )
    verify_url = serializers.SerializerMethodField(help_text="The public verification page.")

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, own) -> dict:
        return course_ref(own.certificate.course)

    @extend_schema_field(CertificateSnapshotSerializer)
    def get_snapshot(self, own) -> dict:
        return CertificateSnapshotSerializer(own.certificate).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, own) -> str | None:
        certificate = own.certificate
        if not certificate.pdf or certificate.revoked_at is not None:
            return None
        return reverse("certificates:pdf", kwargs={"pk": certificate.pk})

    def get_verify_url(self, own) -> str:
        return certificate_verify_url(own.certificate)


class NewRunSerializer(serializers.Serializer):
    """The enrollment of the new run that recertification started."""

    id = serializers.IntegerField(help_text="Enrollment id (see enrollments/).")
    run = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Enrollment.Status.choices)
    course = serializers.SerializerMethodField()

    @extend_schema_field(CourseRefSerializer)
    def get_course(self, enrollment) -> dict:
        return course_ref(enrollment.course)
