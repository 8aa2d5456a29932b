"""Grant model permissions to role groups from data migrations.

Django creates permission rows after migrations run (post_migrate), so a data migration that
grants them first asks Django to create the rows for the apps it names.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions


def ensure_permissions(apps, app_labels):
    for label in app_labels:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)


def grant(apps, group_name, perms):
    """perms: iterable of "app_label.codename"."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        try:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        except Permission.DoesNotExist as exc:
            raise LookupError(f"Permission {perm} does not exist (granting to {group_name}).") from exc
        group.permissions.add(permission)
    return group


def model_perms(app_label, model, actions=("add", "change", "delete", "view")):
    return [f"{app_label}.{action}_{model}" for action in actions]
