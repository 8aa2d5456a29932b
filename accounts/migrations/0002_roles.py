"""The five roles as Django groups, with their Wagtail and model permissions.

Wagtail's own default groups (Editors, Moderators) are removed: the roles below replace them.
Feature apps grant their own models' permissions to these groups in their own migrations.
"""

from django.db import migrations

from accounts.role_permissions import ensure_permissions, grant, model_perms

ROLES = ["Student", "Instructor", "Mentor", "Administrator", "Corporate Representative"]
COLLECTION_PERMS_INSTRUCTOR = ["add_image", "choose_image", "add_document", "choose_document"]
COLLECTION_PERMS_ADMIN = [
    "add_image", "change_image", "delete_image", "choose_image",
    "add_document", "change_document", "delete_document", "choose_document",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")

    ensure_permissions(apps, ["accounts", "auth", "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs"])
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    for name in ROLES:
        Group.objects.get_or_create(name=name)

    grant(apps, "Instructor", ["wagtailadmin.access_admin"])
    grant(
        apps,
        "Administrator",
        ["wagtailadmin.access_admin"]
        + model_perms("accounts", "user")
        + model_perms("auth", "group")
        + model_perms("wagtailcore", "site")
        + model_perms("wagtailcore", "collection"),
    )

    def collection_perms(group_name, codenames):
        group = Group.objects.get(name=group_name)
        for root in Collection.objects.filter(depth=1):
            for codename in codenames:
                permission = Permission.objects.get(codename=codename)
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)

    collection_perms("Instructor", COLLECTION_PERMS_INSTRUCTOR)
    collection_perms("Administrator", COLLECTION_PERMS_ADMIN)

    # Administrators may do everything with every page.
    admin_group = Group.objects.get(name="Administrator")
    page_permissions = Permission.objects.filter(content_type__app_label="wagtailcore", content_type__model="page")
    for root in Page.objects.filter(depth=1):
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(group=admin_group, page=root, permission=permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
