"""Writers and editors choose from the people list in the article form; administrators manage it,
as they manage sections."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Writers": ["view_person"],
    "Editors": ["view_person"],
    "Administrators": ["add_person", "change_person", "delete_person", "view_person"],
}


def grant(apps, schema_editor):
    config = apps.get_app_config("people")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="people", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("articles", "0003_roles_and_first_revisions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
