"""Topic links carry their article's date, so a topic page walks one index, newest first."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def date_topic_links(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleTopic = apps.get_model("topics", "ArticleTopic")
    date = Article.objects.filter(pk=OuterRef("article_id")).values("published_at")[:1]
    ArticleTopic.objects.update(published_at=Subquery(date))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_single_character_search"),
        ("topics", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="articletopic",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(date_topic_links, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="articletopic",
            index=models.Index(fields=["topic", "-published_at", "-article"], name="topic_latest"),
        ),
    ]
