"""The learner's certificates on the dashboard (templates/learning/dashboard.html loads this):
learning never imports certificates, so certificates supplies its own section.

Query cost: one (the user's certificates with their course and enrollment).
"""

from django import template

from certificates import selectors

register = template.Library()


@register.inclusion_tag("certificates/includes/dashboard_certificates.html", takes_context=True)
def dashboard_certificates(context):
    """`{% dashboard_certificates %}`: status, expiry, PDF or "being prepared", verification
    link and, while recertification is open, the Recertify button."""
    request = context.get("request")
    user = getattr(request, "user", None)
    items = selectors.own_certificates_for_dashboard(user) if user is not None and user.is_authenticated else []
    return {
        "items": items,
        "reminder_days": selectors.reminder_days(),
        "csrf_token": context.get("csrf_token"),
    }
