"""Framework events recorded in the audit trail: logins, lockouts, roles and permissions.

Logins go through Django's signals, so one handler covers the site (allauth), the Wagtail
admin, the Django admin and anything else calling authenticate()/login(); the JWT endpoint
records its own success (auth.token.issue). Lockouts come from django-axes. Role and
permission changes come from m2m_changed on the user's groups and permissions and on a group's
permissions, and from saves changing is_staff, is_superuser or is_active; who did it is the
signed-in user of the current request (AuditContextMiddleware), if any.

Connected in AuditConfig.ready(). Handlers are thin: each is one audit_record call.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_init, post_save

from audit.services import audit_record, identifier_pseudonym

# The account flags whose changes are privilege changes.
ACCOUNT_FLAGS = ("is_staff", "is_superuser", "is_active")
_FLAGS_ATTRIBUTE = "_audit_flags"
_CLEARED_ATTRIBUTE = "_audit_cleared"


def _via(request) -> str:
    """Which login path: site, wagtail (admin), django-admin or api."""
    path = getattr(request, "path", "") or ""
    if path.startswith("/django-admin/"):
        return "django-admin"
    if path.startswith("/admin/"):
        return "wagtail"
    if path.startswith("/api/"):
        return "api"
    return "site" if path else "other"


def _identifier(credentials: dict) -> str:
    user_model = get_user_model()
    for key in ("email", "username", user_model.USERNAME_FIELD, "login"):
        value = credentials.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _user_for_identifier(identifier: str):
    if not identifier:
        return None
    user_model = get_user_model()
    return user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": identifier.strip()}).first()


# --- logins --------------------------------------------------------------------------------


def login_succeeded(sender, request, user, **kwargs):
    audit_record("auth.login.success", actor=user, target=user, request=request, details={"via": _via(request)})


def login_failed(sender, credentials, request=None, **kwargs):
    # Never the identifier itself: a mistyped password in the email field would be stored.
    identifier = _identifier(credentials or {})
    account = _user_for_identifier(identifier)
    audit_record(
        "auth.login.failure",
        target=account,
        request=request,
        details={
            "via": _via(request),
            "identifier_ref": identifier_pseudonym(identifier) if identifier else "",
            "known_account": account is not None,
        },
    )


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    account = _user_for_identifier(username or "")
    audit_record(
        "auth.lockout",
        target=account,
        request=request,
        details={
            "via": _via(request),
            "identifier_ref": identifier_pseudonym(username) if username else "",
            "known_account": account is not None,
        },
    )


# --- roles and permissions -------------------------------------------------------------------


def _permission_labels(pks) -> list[str]:
    from django.contrib.auth.models import Permission

    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
    )


def _group_names(pks) -> list[str]:
    return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))


def _m2m_change(*, field, instance, action, reverse, pk_set, forward_action, describe):
    """Record an m2m change as one event per owner (user or group) whose set changed.

    field: the ManyToManyField (User.groups, User.user_permissions, Group.permissions). Forward:
    `instance` is the owner and pk_set the related rows; reverse (group.user_set.add(...)):
    `instance` is the related row and pk_set the owners.
    """
    through = field.remote_field.through
    owner_column, related_column = field.m2m_field_name(), field.m2m_reverse_field_name()
    if action == "pre_clear":
        # post_clear has no pk_set: remember what is about to go.
        column = related_column if not reverse else owner_column
        lookup = owner_column if not reverse else related_column
        pks = through._default_manager.filter(**{lookup: instance.pk}).values_list(f"{column}_id", flat=True)
        setattr(instance, _CLEARED_ATTRIBUTE, sorted(pks))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    pks = sorted(pk_set or []) if action != "post_clear" else getattr(instance, _CLEARED_ATTRIBUTE, [])
    if not pks:
        return
    verb = "add" if action == "post_add" else "remove"
    if not reverse:
        audit_record(f"{forward_action}.{verb}", target=instance, details={"changed": describe(pks)})
        return
    changed = describe([instance.pk])
    for owner in field.model._default_manager.filter(pk__in=pks).order_by("pk"):
        audit_record(f"{forward_action}.{verb}", target=owner, details={"changed": changed})


def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    _m2m_change(
        field=get_user_model()._meta.get_field("groups"),
        instance=instance,
        action=action,
        reverse=reverse,
        pk_set=pk_set,
        forward_action="rbac.user.roles",
        describe=_group_names,
    )


def user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    _m2m_change(
        field=get_user_model()._meta.get_field("user_permissions"),
        instance=instance,
        action=action,
        reverse=reverse,
        pk_set=pk_set,
        forward_action="rbac.user.permissions",
        describe=_permission_labels,
    )


def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    _m2m_change(
        field=Group._meta.get_field("permissions"),
        instance=instance,
        action=action,
        reverse=reverse,
        pk_set=pk_set,
        forward_action="rbac.group.permissions",
        describe=_permission_labels,
    )


def user_loaded(sender, instance, **kwargs):
    # Only fields already loaded: reading a deferred one here would cost a query per user.
    setattr(instance, _FLAGS_ATTRIBUTE, {flag: instance.__dict__.get(flag) for flag in ACCOUNT_FLAGS})


def user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    before = getattr(instance, _FLAGS_ATTRIBUTE, {})
    after = {flag: instance.__dict__.get(flag) for flag in ACCOUNT_FLAGS}
    setattr(instance, _FLAGS_ATTRIBUTE, after)
    if created:
        changed = {flag: {"from": None, "to": value} for flag, value in after.items() if flag != "is_active" and value}
    else:
        changed = {
            flag: {"from": before.get(flag), "to": value}
            for flag, value in after.items()
            if before.get(flag) is not None and value is not None and before.get(flag) != value
        }
    if changed:
        audit_record("rbac.user.flags", target=instance, details={"changed": changed})


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(login_succeeded, dispatch_uid="audit.login_succeeded")
    user_login_failed.connect(login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
    m2m_changed.connect(user_groups_changed, sender=user_model.groups.through, dispatch_uid="audit.user_groups")
    m2m_changed.connect(
        user_permissions_changed, sender=user_model.user_permissions.through, dispatch_uid="audit.user_permissions"
    )
    m2m_changed.connect(group_permissions_changed, sender=Group.permissions.through, dispatch_uid="audit.group_perms")
    post_init.connect(user_loaded, sender=user_model, dispatch_uid="audit.user_loaded")
    post_save.connect(user_saved, sender=user_model, dispatch_uid="audit.user_saved")
