"""The audit trail in the Wagtail admin: a read-only, filtered list, newest first, and a CSV export
of the filtered list. Only for users with `audit.view_auditevent` (the Administrator role and
superusers); anyone else is turned away like any other admin area they may not see. Nothing
here adds, changes or deletes a row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import django_filters
from django import forms
from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from audit.models import AuditEvent
from audit.selectors import audit_events_filtered
from lms_site.csv_export import csv_safe, csv_stream_response

URL_NAMESPACE = "audit_trail"
CSV_HEADER = (
    "id",
    "occurred_at",
    "action",
    "actor_ref",
    "actor_role",
    "target_type",
    "target_id",
    "ip",
    "user_agent",
    "request_id",
    "details",
    "prev_hash",
    "hash",
)
# Query parameters that belong to the listing's page, not to its filters.
NON_FILTER_PARAMS = ("p", "export", "_w_filter_fragment")

audit_permission_policy = ModelPermissionPolicy(AuditEvent)


def user_can_view_audit_trail(user) -> bool:
    return audit_permission_policy.user_has_permission(user, "view")


def _action_choices():
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(action, action) for action in actions]


class AuditEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label="Action", choices=_action_choices, method="filter_events")
    actor = django_filters.CharFilter(
        label="Actor's email",
        method="filter_events",
        help_text="Events by this user, and failed logins and lockouts naming this address.",
        widget=forms.EmailInput,
    )
    target_type = django_filters.CharFilter(
        label="Target type", method="filter_events", help_text="app_label.model, e.g. learning.enrollment"
    )
    target_id = django_filters.CharFilter(label="Target id", method="filter_events")
    occurred_at = django_filters.DateFromToRangeFilter(label="Date (UTC)", widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id", "occurred_at"]

    def filter_events(self, queryset, name, value):
        if not value:
            return queryset
        keyword = {"actor": "actor_email"}.get(name, name)
        return queryset & audit_events_filtered(**{keyword: value})


def _short(value: str, length: int = 12) -> str:
    return value[:length] if value else ""


class AuditTrailView(PermissionCheckedMixin, BaseListingView):
    """Newest first, filtered by action, actor (by email, as their pseudonym), target and date."""

    permission_policy = audit_permission_policy
    permission_required = "view"
    page_title = "Audit trail"
    header_icon = "history"
    index_url_name = f"{URL_NAMESPACE}:index"
    index_results_url_name = f"{URL_NAMESPACE}:index_results"
    filterset_class = AuditEventFilterSet
    default_ordering = "-id"
    verbose_name = "audit event"
    verbose_name_plural = "audit events"
    columns = [
        Column("id", label="#"),
        DateColumn("occurred_at", label="Time (UTC)"),
        Column("action", label="Action"),
        Column("actor", label="Actor", accessor=lambda event: _short(event.actor_ref) or "system"),
        Column("actor_role", label="Roles"),
        Column("target", label="Target", accessor="target_label"),
        Column("ip", label="IP"),
        Column("details", label="Details", accessor=lambda event: json.dumps(event.details, sort_keys=True)),
        Column("request_id", label="Request", accessor=lambda event: _short(event.request_id)),
    ]

    @property
    def paginate_by(self) -> int:
        return getattr(settings, "AUDIT_VIEWER_PAGE_SIZE", 50)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return AuditEvent.objects.order_by("-id")

    def filter_query(self) -> str:
        query = self.request.GET.copy()
        for name in NON_FILTER_PARAMS:
            query.pop(name, None)
        return query.urlencode()

    @cached_property
    def csv_url(self) -> str:
        index = reverse(self.index_url_name)
        query = self.filter_query()
        return f"{index}?{query}&export=csv" if query else f"{index}?export=csv"

    def get_header_buttons(self):
        return [HeaderButton("Download CSV", url=self.csv_url, icon_name="download", attrs={"download": ""})]

    # --- CSV -------------------------------------------------------------------------------

    @staticmethod
    def csv_rows(events: Iterable[AuditEvent]) -> Iterator[tuple]:
        yield CSV_HEADER
        for event in events:
            yield tuple(
                csv_safe(value)
                for value in (
                    event.pk,
                    event.occurred_at.isoformat(timespec="microseconds"),
                    event.action,
                    event.actor_ref,
                    event.actor_role,
                    event.target_type,
                    event.target_id,
                    event.ip or "",
                    event.user_agent,
                    event.request_id,
                    json.dumps(event.details, sort_keys=True, ensure_ascii=False),
                    event.prev_hash,
                    event.hash,
                )
            )

    def csv_response(self) -> StreamingHttpResponse:
        """Every filtered row (all pages), streamed in one query."""
        events = self.filter_queryset(self.get_base_queryset()).iterator(chunk_size=1000)
        return csv_stream_response(self.csv_rows(events), f"audit-trail-{timezone.now():%Y-%m-%d}.csv")
