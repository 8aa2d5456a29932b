"""Home content in the privacy registry (privacy.registry)."""

from home.models import HomePage, SiteSettings
from privacy.registry import register_no_personal_data

register_no_personal_data(
    HomePage, "page content; owner and lock fields point at the account row, anonymised on erasure"
)
register_no_personal_data(SiteSettings, "the organisation's site settings (its public contact details), no learner")
