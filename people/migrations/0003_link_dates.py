"""Bylines carry their article's date, so an author page walks one index, newest first."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def date_bylines(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("people", "Byline")
    date = Article.objects.filter(pk=OuterRef("article_id")).values("published_at")[:1]
    Byline.objects.update(published_at=Subquery(date))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_single_character_search"),
        ("people", "0002_roles"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="byline", name="byline_person"),
        migrations.AddField(
            model_name="byline",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(date_bylines, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="byline",
            index=models.Index(
                fields=["person", "-published_at", "-article"], name="byline_person_latest"
            ),
        ),
    ]
