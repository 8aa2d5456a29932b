"""Administrators edit certificate templates (Wagtail snippets) and see certificates; the
default template exists from the start so they can edit it rather than create it.

Viewing, revoking and reissuing certificates in the admin follow
certificates.permissions.can_manage_certificates; the view permission granted here keeps
Django's group editor truthful about it.
"""

from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant, model_perms


def grant_and_create_default(apps, schema_editor):
    ensure_permissions(apps, ["certificates"])
    grant(apps, "Administrator", model_perms("certificates", "certificatetemplate") + ["certificates.view_certificate"])
    CertificateTemplate = apps.get_model("certificates", "CertificateTemplate")
    if not CertificateTemplate.objects.filter(course__isnull=True).exists():
        CertificateTemplate.objects.create(
            name="Default",
            heading="Certificate of completion",
            body="This certifies that {name} has successfully completed {course} ({hours} hours) on {date}.",
            signatory_name="",
            signatory_title="Whole Cyber Human Initiative",
            accent_colour="#1d4ed8",
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant_and_create_default, migrations.RunPython.noop)]
