from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant


def grant_home_permissions(apps, schema_editor):
    ensure_permissions(apps, ["home"])
    grant(apps, "Administrator", ["home.change_sitesettings", "home.view_sitesettings"])


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant_home_permissions, migrations.RunPython.noop)]
