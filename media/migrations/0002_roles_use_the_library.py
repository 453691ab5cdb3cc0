"""Every role works with the media library: writers and editors upload pictures and describe
them; administrators may also delete one that no article has ever shown."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Writers": ["add_image", "change_image", "view_image"],
    "Editors": ["add_image", "change_image", "view_image"],
    "Administrators": ["add_image", "change_image", "delete_image", "view_image"],
}


def grant(apps, schema_editor):
    config = apps.get_app_config("media")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="media", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0001_initial"),
        ("articles", "0003_roles_and_first_revisions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
