"""Consent in the privacy registry (privacy.registry); imported by profiles/privacy.py.

Erasure keeps what was accepted and when (evidence of consent, about an anonymised account)
but removes the client address.
"""

from privacy.registry import register, register_no_personal_data
from profiles.consent_models import ConsentRecord, LegalDocument


def consent_records_erase(user) -> None:
    ConsentRecord.objects.filter(user=user).update(ip=None)


register(ConsentRecord, user_path="user", erase=consent_records_erase)
register_no_personal_data(LegalDocument, "published terms and privacy policy texts: content, no person")
