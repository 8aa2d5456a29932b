"""Building certificates for tests: through the learner's path, or rows in bulk for budgets."""

import shutil
import subprocess
from datetime import timedelta

from django.utils import timezone

from certificates.models import Certificate
from learning import services as learning_services
from learning.models import Enrollment


def complete_course(user, built) -> Enrollment:
    """Enroll (or find the current run) and complete every lesson, as a learner does."""
    enrollment, _ = learning_services.enrollment_create(user=user, course=built.course)
    for lesson in built.lessons:
        learning_services.lesson_complete(user=user, lesson=lesson)
    enrollment.refresh_from_db()
    return enrollment


def certificate_rows(user, course, count: int, *, validity_days: int | None = 365) -> list[Certificate]:
    """`count` runs of a course by one learner, each with its certificate (newest run last):
    earlier runs superseded, the last completed. No PDFs are rendered."""
    now = timezone.now()
    certificates = []
    for run in range(1, count + 1):
        completed_at = now - timedelta(days=30 * (count - run) + 1)
        enrollment = Enrollment.objects.create(
            user=user,
            course=course,
            run=run,
            status=Enrollment.Status.COMPLETED if run == count else Enrollment.Status.SUPERSEDED,
            completed_at=completed_at,
        )
        certificates.append(
            Certificate.objects.create(
                user=user,
                enrollment=enrollment,
                course=course,
                family_course=course,
                run=run,
                learner_name=user.get_display_name(),
                course_title=course.title,
                hours=course.estimated_hours,
                completed_at=completed_at,
                instructors=["Grace Hopper"],
                competencies=[{"framework": "NICE Framework", "code": "PD-WRL-001", "name": "Defender"}],
                issued_at=completed_at,
                expires_at=completed_at + timedelta(days=validity_days) if validity_days else None,
            )
        )
    return certificates


def pdf_text(path) -> str:
    """The text of a PDF, as `pdftotext` (poppler-utils) reads it, whitespace collapsed."""
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext (poppler-utils) is needed for the PDF tests"
    output = subprocess.run(  # noqa: S603 - fixed argv, a file we wrote
        [executable, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(output.split())
