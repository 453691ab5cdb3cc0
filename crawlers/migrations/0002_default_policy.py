"""The default policy: search engines may crawl, AI crawlers may not, and text and data mining
is reserved. Administrators may change all of it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SEARCH_ENGINES = ["Googlebot", "Bingbot", "Baiduspider", "YandexBot", "DuckDuckBot", "Sogou"]
AI_CRAWLERS = [
    "GPTBot",
    "ChatGPT-User",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "PerplexityBot",
    "Bytespider",
    "Meta-ExternalAgent",
    "Amazonbot",
    "cohere-ai",
]


def default_policy(apps, schema_editor):
    SitePolicy = apps.get_model("crawlers", "SitePolicy")
    Crawler = apps.get_model("crawlers", "Crawler")
    SitePolicy.objects.get_or_create(pk=1)
    for name in SEARCH_ENGINES:
        Crawler.objects.get_or_create(
            user_agent=name, defaults={"purpose": "search", "is_allowed": True}
        )
    for name in AI_CRAWLERS:
        Crawler.objects.get_or_create(
            user_agent=name, defaults={"purpose": "ai", "is_allowed": False}
        )


def administrators_manage_policy(apps, schema_editor):
    config = apps.get_app_config("crawlers")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _created = Group.objects.get_or_create(name="Administrators")
    administrators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="crawlers",
            codename__in=[
                "view_sitepolicy",
                "change_sitepolicy",
                "add_crawler",
                "change_crawler",
                "delete_crawler",
                "view_crawler",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crawlers", "0001_initial"),
        ("articles", "0003_roles_and_first_revisions"),
    ]

    operations = [
        migrations.RunPython(default_policy, migrations.RunPython.noop),
        migrations.RunPython(administrators_manage_policy, migrations.RunPython.noop),
    ]
