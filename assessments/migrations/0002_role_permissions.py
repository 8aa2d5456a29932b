"""Instructors and administrators build quizzes and labs in the Wagtail admin."""

from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant, model_perms

INSTRUCTOR = "Instructor"
ADMINISTRATOR = "Administrator"


def grant_assessment_permissions(apps, schema_editor):
    ensure_permissions(apps, ["assessments"])
    authoring = (
        model_perms("assessments", "quiz")
        + ["assessments.publish_quiz", "assessments.lock_quiz", "assessments.unlock_quiz"]
        + model_perms("assessments", "lab")
    )
    grant(apps, INSTRUCTOR, authoring)
    grant(apps, ADMINISTRATOR, authoring + model_perms("assessments", "attempt", ("view", "change")))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="assessments")
    for group in Group.objects.filter(name__in=[INSTRUCTOR, ADMINISTRATOR]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_assessment_permissions, revoke)]
