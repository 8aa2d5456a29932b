"""Domain errors of learning, each with a stable code that the API and the site show."""

from rest_framework import status

from lms_site.rest.exceptions import DomainError


class LearningError(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST


class CourseFull(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "course_full"
    default_detail = "This course has no free seats."


class PrerequisitesMissing(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "prerequisites_missing"

    def __init__(self, missing_titles: list[str]):
        self.missing = missing_titles
        super().__init__(f"Complete these courses first: {', '.join(missing_titles)}.")


class EnrollmentClosed(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "enrollment_closed"
    default_detail = "Enrollment in this course is closed."


class AlreadyEnrolled(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_enrolled"
    default_detail = "You are already enrolled in this course."


class NotEnrolled(LearningError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_enrolled"
    default_detail = "Enroll in this course first."


class PaymentRequired(LearningError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "payment_required"
    default_detail = "This course is paid; checkout opens with payments."


class AssessmentRequired(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "assessment_required"
    default_detail = "This lesson completes when its assessment is passed."


class NotCompleted(LearningError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_completed"
    default_detail = "Only a completed course can be taken again."
