from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant, model_perms


def grant_course_permissions(apps, schema_editor):
    ensure_permissions(apps, ["courses", "taggit"])
    grant(apps, "Administrator", model_perms("courses", "competency") + model_perms("taggit", "tag"))
    grant(apps, "Instructor", ["courses.view_competency"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant_course_permissions, migrations.RunPython.noop)]
