"""Third-party models in the privacy registry (privacy.registry): Django, Wagtail, allauth,
django-axes, django-otp, simplejwt, taggit.

What erasure does with them:
- deleted: sessions (database and cache), allauth email addresses, OTP devices and their
  tokens, login attempts and logs recorded under the person's email (axes), Wagtail's admin
  profile (avatar file included), page subscriptions, editing sessions, saved form states, API
  tokens, temporary uploads, comment replies;
- ended but kept: JWT refresh tokens are blacklisted (the rows hold no personal data beyond the
  account id);
- anonymised: page comments keep their place in the thread but lose their text; admin and
  Wagtail log entries about one of the person's rows lose the object's name;
- kept: what staff did (admin log entries, page and snippet revisions, workflow states) — the
  person is the anonymised account row there — and content they uploaded (images, documents).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.module_loading import import_string

from privacy.registry import erasure_rows, keep, register, register_no_personal_data, row_values

# --- Django -------------------------------------------------------------------------------------


def _session_store():
    from django.conf import settings

    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def _sessions_of(user) -> list[Session]:
    """Sessions signed in as the user (the user id is inside the encoded data: one decode each)."""
    wanted = str(user.pk)
    found = []
    for session in Session.objects.iterator():
        # get_decoded() answers {} for data it cannot read (tampered or from another key).
        if str(session.get_decoded().get("_auth_user_id")) == wanted:
            found.append(session)
    return found


def sessions_export(user) -> list[dict]:
    return [{"expire_date": session.expire_date} for session in _sessions_of(user)]


def sessions_erase(user) -> None:
    store = _session_store()
    for session in _sessions_of(user):
        # Through the engine: cached_db keeps a copy in the cache too.
        store(session_key=session.session_key).delete()
        Session.objects.filter(session_key=session.session_key).delete()


register(Session, user_path=None, export=sessions_export, erase=sessions_erase)


def _scrub_log_entries(model, *, name_field: str, extra: dict) -> None:
    """Entries naming one of the erased person's rows lose the name (the row's str())."""
    by_label: dict[str, list[str]] = {}
    for label, pk in erasure_rows():
        by_label.setdefault(label, []).append(pk)
    for label, pks in by_label.items():
        content_type = ContentType.objects.get_for_model(apps.get_model(label), for_concrete_model=False)
        model.objects.filter(content_type=content_type, object_id__in=pks).update(
            **{name_field: "(erased at the person's request)"}, **extra
        )


def admin_log_export(user) -> list[dict]:
    from django.contrib.admin.models import LogEntry

    return [row_values(entry, exclude=["user"]) for entry in LogEntry.objects.filter(user=user).order_by("action_time")]


def admin_log_erase(user) -> None:
    from django.contrib.admin.models import LogEntry

    _scrub_log_entries(LogEntry, name_field="object_repr", extra={"change_message": ""})


register("admin.LogEntry", user_path="user", export=admin_log_export, erase=admin_log_erase)
register_no_personal_data("auth.Permission", "permission definitions")
register_no_personal_data("auth.Group", "role definitions (membership is on the account, cleared on erasure)")
register_no_personal_data("contenttypes.ContentType", "model names")

# --- Wagtail --------------------------------------------------------------------------------------


def _titles(label: str, user_field: str):
    def export(user) -> list[dict]:
        model = apps.get_model(label)
        return [{"id": row.pk, "title": str(row)} for row in model.objects.filter(**{user_field: user}).order_by("pk")]

    return export


def pages_erase(user) -> None:
    from wagtail.models import Page

    Page.objects.filter(locked_by=user).update(locked=False, locked_by=None, locked_at=None)


def comments_erase(user) -> None:
    from wagtail.models import Comment

    Comment.objects.filter(user=user).update(text="(comment removed at the author's request)")


def model_log_erase(user) -> None:
    from wagtail.models import ModelLogEntry

    _scrub_log_entries(ModelLogEntry, name_field="label", extra={"data": {}})


def revisions_export(user) -> list[dict]:
    from wagtail.models import Revision

    return [
        {"object": revision.object_str, "object_id": revision.object_id, "created_at": revision.created_at}
        for revision in Revision.objects.filter(user=user).order_by("created_at")
    ]


def log_entries_export(label: str):
    def export(user) -> list[dict]:
        model = apps.get_model(label)
        return [
            {"action": entry.action, "label": entry.label, "timestamp": entry.timestamp}
            for entry in model.objects.filter(user=user).order_by("timestamp")
        ]

    return export


STAFF_RECORD = "what staff did to content: the person is the anonymised account row"
CONTENT = "content belongs to the organisation; the uploader link points at the anonymised account"

register("wagtailcore.Page", user_path="owner", export=_titles("wagtailcore.Page", "owner"), erase=pages_erase)
register("wagtailcore.Revision", user_path="user", export=revisions_export, erase=keep(STAFF_RECORD))
register(
    "wagtailcore.ModelLogEntry",
    user_path="user",
    export=log_entries_export("wagtailcore.ModelLogEntry"),
    erase=model_log_erase,
)
register(
    "wagtailcore.PageLogEntry",
    user_path="user",
    export=log_entries_export("wagtailcore.PageLogEntry"),
    erase=keep(STAFF_RECORD),
)
register("wagtailcore.Comment", user_path="user", erase=comments_erase)
register("wagtailcore.CommentReply", user_path="user")
register("wagtailcore.PageSubscription", user_path="user")
register("wagtailcore.APIToken", user_path="user", export=_titles("wagtailcore.APIToken", "user"))
register("wagtailcore.UploadedFile", user_path="uploaded_by_user")
register(
    "wagtailcore.WorkflowState",
    user_path="requested_by",
    export=_titles("wagtailcore.WorkflowState", "requested_by"),
    erase=keep(STAFF_RECORD),
)
register(
    "wagtailcore.TaskState",
    user_path="finished_by",
    export=_titles("wagtailcore.TaskState", "finished_by"),
    erase=keep(STAFF_RECORD),
)
register("wagtailadmin.EditingSession", user_path="user")
register("wagtailadmin.FormState", user_path="user")
register("wagtailusers.UserProfile", user_path="user")
register(
    "wagtaildocs.Document",
    user_path="uploaded_by_user",
    export=_titles("wagtaildocs.Document", "uploaded_by_user"),
    erase=keep(CONTENT),
)
register(
    "wagtailimages.Image",
    user_path="uploaded_by_user",
    export=_titles("wagtailimages.Image", "uploaded_by_user"),
    erase=keep(CONTENT),
)
for _label, _reason in [
    ("wagtailimages.Rendition", "resized copies of content images"),
    ("wagtailsearch.IndexEntry", "the search index of content; erasure re-indexes or removes the person's rows"),
    ("wagtailembeds.Embed", "cached oEmbed data of content"),
    ("wagtailredirects.Redirect", "URL redirects"),
    ("wagtailadmin.Admin", "a permission holder model without rows"),
    ("wagtailcore.Locale", "languages"),
    ("wagtailcore.Site", "host names of the site"),
    ("wagtailcore.GroupSitePermission", "role permissions"),
    ("wagtailcore.GroupPagePermission", "role permissions"),
    ("wagtailcore.GroupCollectionPermission", "role permissions"),
    ("wagtailcore.Collection", "folders of content"),
    ("wagtailcore.CollectionViewRestriction", "access rules (a shared password, no person)"),
    ("wagtailcore.PageViewRestriction", "access rules (a shared password, no person)"),
    ("wagtailcore.Workflow", "workflow definitions"),
    ("wagtailcore.WorkflowTask", "workflow definitions"),
    ("wagtailcore.WorkflowContentType", "workflow definitions"),
    ("wagtailcore.WorkflowPage", "workflow definitions"),
    ("wagtailcore.Task", "workflow definitions"),
    ("wagtailcore.GroupApprovalTask", "workflow definitions"),
    ("wagtailcore.ReferenceIndex", "which content uses which content"),
    (
        "wagtailforms.FormSubmission",
        "no form pages exist in this project (no AbstractForm subclass); a form page that takes "
        "personal data must register its submissions",
    ),
    ("taggit.Tag", "tags of content"),
    ("taggit.TaggedItem", "tags of content"),
]:
    register_no_personal_data(_label, _reason)

# --- Login security, MFA and tokens ------------------------------------------------------------------


def _by_username(label: str):
    def rows(user):
        return apps.get_model(label).objects.filter(username__iexact=user.email)

    def export(user) -> list[dict]:
        return [
            {
                "attempt_time": row.attempt_time,
                "ip_address": row.ip_address,
                "user_agent": row.user_agent,
                "path_info": row.path_info,
            }
            for row in rows(user).order_by("attempt_time")
        ]

    def erase(user) -> None:
        rows(user).delete()

    return export, erase


for _label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
    _export, _erase = _by_username(_label)
    # Keyed by the email typed at login, not by a relation: found before the account row is anonymised.
    register(_label, user_path=None, export=_export, erase=_erase)
register_no_personal_data("axes.AccessAttemptExpiration", "when a login-attempt row expires (deleted with it)")


def otp_devices_export(label: str):
    def export(user) -> list[dict]:
        # Never the secret key.
        return [
            {"name": device.name, "confirmed": device.confirmed}
            for device in apps.get_model(label).objects.filter(user=user).order_by("pk")
        ]

    return export


register("otp_totp.TOTPDevice", user_path="user", export=otp_devices_export("otp_totp.TOTPDevice"))
register("otp_static.StaticDevice", user_path="user", export=otp_devices_export("otp_static.StaticDevice"))
# Backup codes are secrets: the export says how many are left, never which.
register(
    "otp_static.StaticToken",
    user_path="device__user",
    export=lambda user: {
        "unused_backup_codes": apps.get_model("otp_static.StaticToken").objects.filter(device__user=user).count()
    },
)


def outstanding_tokens_export(user) -> list[dict]:
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    return [
        {"created_at": token.created_at, "expires_at": token.expires_at}
        for token in OutstandingToken.objects.filter(user=user).order_by("created_at")
    ]


def outstanding_tokens_erase(user) -> None:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    live = OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in live], ignore_conflicts=True)


register(
    "token_blacklist.OutstandingToken",
    user_path="user",
    export=outstanding_tokens_export,
    erase=outstanding_tokens_erase,
)
register_no_personal_data("token_blacklist.BlacklistedToken", "a mark on an issued token that it no longer works")
register("account.EmailAddress", user_path="user")
register("account.EmailConfirmation", user_path="email_address__user")
