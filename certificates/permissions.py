"""Who may see or do what with certificates: one function per rule, used by the site, the API and
the Wagtail admin alike."""

from learning.permissions import is_site_administrator


def can_manage_certificates(user) -> bool:
    """Administrators list, inspect, revoke and reissue certificates and edit their templates."""
    return is_site_administrator(user)


def can_download_certificate(user, certificate) -> bool:
    """Only its learner downloads a certificate's PDF, and not once it is revoked."""
    return user.is_authenticated and certificate.user_id == user.pk and certificate.revoked_at is None
