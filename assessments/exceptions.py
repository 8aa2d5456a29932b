"""Domain errors of assessments, each with a stable code that the API and the site show."""

from rest_framework import status

from lms_site.rest.exceptions import DomainError


class AssessmentError(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST


class QuizNotFound(AssessmentError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such quiz in your courses."


class QuizUnavailable(AssessmentError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "quiz_unavailable"
    default_detail = "This quiz is not open now."


class AttemptLimitReached(AssessmentError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "attempt_limit_reached"
    default_detail = "You have used every attempt this quiz allows."


class AttemptClosed(AssessmentError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "attempt_closed"
    default_detail = "This attempt is closed: it was submitted or its time ran out."


class IntegrityStatementRequired(AssessmentError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "integrity_statement_required"
    default_detail = "Accept the integrity statement to start the exam."


class ExamSessionActive(AssessmentError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "exam_session_active"
    default_detail = "This exam is already open in another browser or device."


class LabNotFound(AssessmentError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such lab in your courses."


class TooManyTries(AssessmentError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_tries"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        self.wait = retry_after  # DRF's handler turns `wait` into the Retry-After header
        super().__init__(f"Too many flag tries. Try again in {retry_after} seconds.")
