"""Mentors proctor exams: the review queue lives in the Wagtail admin, so they may enter it."""

from django.db import migrations

from accounts.role_permissions import grant

MENTOR = "Mentor"


def grant_admin_access(apps, schema_editor):
    grant(apps, MENTOR, ["wagtailadmin.access_admin"])


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=MENTOR).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_role_permissions"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant_admin_access, revoke)]
