"""Administrators may view the audit trail (`audit.view_auditevent`); superusers always may.

The role group is looked up by name through the migration state: audit sits beneath every app
and imports none of them. get_or_create, so the order against accounts' role migration does
not matter (it get_or_creates the same group).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMINISTRATOR = "Administrator"


def grant_view(apps, schema_editor):
    # Permission rows are normally created after all migrations (post_migrate): create them now.
    create_permissions(global_apps.get_app_config("audit"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="audit", codename="view_auditevent")
    group, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    group.permissions.add(permission)


def revoke_view(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=ADMINISTRATOR).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="audit"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_view, revoke_view)]
