"""The audit trail in the privacy registry (privacy.registry): a retained security log.

Audit rows name their actor only by a keyed pseudonym (`actor_pseudonym`: HMAC of the account id)
and never hold a name, an email address or a secret, but they do hold the IP address and browser
of each event, which is personal data. They are exported to the person (their own events, found
by their pseudonym) and KEPT on erasure: the trail is append-only by design (PostgreSQL refuses
UPDATE and DELETE, rows are hash-chained), and keeping security logs for the retention period is
a legal obligation and legitimate interest that GDPR art. 17(3)(b) and (e) put before erasure.
After erasure the pseudonym resolves only to the anonymised account row.
"""

from audit.models import AuditEvent
from audit.services import actor_pseudonym
from privacy.registry import keep, register


def audit_events_export(user) -> list[dict]:
    return [
        {
            "occurred_at": event.occurred_at,
            "action": event.action,
            "target": event.target_label,
            "ip": event.ip,
            "user_agent": event.user_agent,
        }
        for event in AuditEvent.objects.for_actor(actor_pseudonym(user)).order_by("id")
    ]


register(
    AuditEvent,
    user_path=None,
    export=audit_events_export,
    erase=keep("append-only security log (GDPR art. 17(3)(b),(e)): pseudonymous actor, kept for its retention period"),
)
