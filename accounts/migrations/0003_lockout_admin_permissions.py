"""Administrators see and clear django-axes' failure records in the Django admin (unlock)."""

from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant


def grant_lockout_perms(apps, schema_editor):
    ensure_permissions(apps, ["axes"])
    grant(apps, "Administrator", ["axes.view_accessattempt", "axes.delete_accessattempt"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant_lockout_perms, migrations.RunPython.noop)]
