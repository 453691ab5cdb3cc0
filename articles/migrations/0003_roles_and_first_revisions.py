"""The desk's three roles as groups with their model permissions, and a first revision for every
article saved before revisions were kept."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Writers": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_section",
    ],
    "Editors": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_section",
    ],
    "Administrators": [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        "articles.view_section",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.view_group",
        "admin.view_logentry",
    ],
}


def make_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for label in ("auth", "admin", "articles"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def first_revisions(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    languages = [("zh-hans", "zh_hans"), ("en", "en")]
    for article in Article.objects.select_related("section").iterator():
        Revision.objects.create(
            article=article,
            number=1,
            article_version=article.version,
            created_at=article.updated_at,
            created_by_id=article.updated_by_id,
            note="",
            status=article.status,
            section_slug=article.section.slug,
            slug=article.slug,
            published_at=article.published_at,
            texts={
                code: {
                    field: getattr(article, f"{field}_{suffix}") or ""
                    for field in ("title", "summary", "body")
                }
                for code, suffix in languages
            },
            fingerprint=article.fingerprint,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_desk"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.RunPython(make_roles, migrations.RunPython.noop),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
