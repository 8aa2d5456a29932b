"""Certificates in the privacy registry (privacy.registry).

On erasure a certificate stays verifiable — its code, course, dates and status are the
issuer's record — but the holder's name in the snapshot becomes "holder removed at their
request" and the PDF (which prints the name) is deleted; no reminder goes out any more.
"""

from django.db.models.functions import Coalesce, Now

from certificates.models import HOLDER_REMOVED_NAME, Certificate, CertificateTemplate
from privacy.registry import register, register_no_personal_data


def certificates_erase(user) -> None:
    Certificate.objects.filter(user=user).update(
        learner_name=HOLDER_REMOVED_NAME,
        pdf="",
        pdf_rendered_at=None,
        reminded_at=Coalesce("reminded_at", Now()),
    )


register(Certificate, user_path="user", erase=certificates_erase)
register_no_personal_data(
    CertificateTemplate,
    "the look of a course's certificate; the signatory is an official printed on every certificate by design",
)
