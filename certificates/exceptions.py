"""Domain errors of certificates, each with a stable code that the API and the site show."""

from rest_framework import status

from lms_site.rest.exceptions import DomainError


class CertificateError(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST


class CertificateNotFound(CertificateError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "certificate_not_found"
    default_detail = "No certificate has this code."


class CourseNotCompleted(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "course_not_completed"
    default_detail = "A certificate is issued only for a completed course."


class RevocationReasonRequired(CertificateError):
    default_code = "revocation_reason_required"
    default_detail = "Say why the certificate is revoked."


class CertificateAlreadyRevoked(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "certificate_already_revoked"
    default_detail = "This certificate is already revoked."


class CertificateAlreadyReissued(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "certificate_already_reissued"
    default_detail = "This certificate was already reissued; reissue its replacement instead."


class CertificateHolderErased(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "certificate_holder_erased"
    default_detail = "The holder's account was erased at their request; their certificate cannot be reissued."


class RecertificationNotOpen(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "recertification_not_open"
    default_detail = (
        "Recertification opens when your current certificate for this course is expired or about to expire."
    )


class RecertificationInProgress(CertificateError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "recertification_in_progress"
    default_detail = "You already started a new run of this course: complete it to earn a new certificate."
