"""Bodies render Markdown pipe tables now: render again the stored HTML of every published
body that has a ``|`` (no other text renders differently)."""

from django.db import migrations
from django.db.models import Q


def render_bodies_with_pipes(apps, schema_editor):
    from articles.rendering import render_markdown

    Article = apps.get_model("articles", "Article")
    candidates = Article.objects.exclude(fingerprint="").filter(
        Q(body_zh_hans__contains="|") | Q(body_en__contains="|")
    )
    batch = []
    for article in candidates.order_by("pk").iterator(chunk_size=500):
        stored = article.rendered or {}
        if stored.get("fingerprint") != article.fingerprint:
            continue  # not used anyway: the page renders such a body afresh
        html = {
            code: render_markdown(getattr(article, f"body_{code.replace('-', '_')}"))
            for code in stored.get("html", {})
        }
        article.rendered = {**stored, "html": html}
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_update(batch, ["rendered"])
            batch = []
    Article.objects.bulk_update(batch, ["rendered"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_body_length_limit")]

    operations = [
        migrations.RunPython(render_bodies_with_pipes, migrations.RunPython.noop, elidable=True)
    ]
