"""Helpers for driving the article admin the way an editor's browser does."""

from datetime import timedelta

from bs4 import BeautifulSoup
from django.utils import timezone

from articles import byline_fields
from articles.models import Article, Section


def article_form(section: Section, **overrides) -> dict:
    published = timezone.localtime(timezone.now() - timedelta(minutes=5))
    data = {
        "title_zh_hans": "渡轮重新开航",
        "summary_zh_hans": "停航三年后，江上渡轮恢复每日班次。",
        "body_zh_hans": "停航三年后，连接两岸的渡轮今天恢复运营。",
        "title_en": "The river ferry sails again",
        "summary_en": "",
        "body_en": "After three years, the ferry is running again.",
        "section": section.pk,
        "slug": "river-ferry-returns",
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def change_form(article: Article, **overrides) -> dict:
    """The change form as the editor submits it, starting from what is saved now."""
    data = article_form(article.section, base_version=article.version, slug=article.slug)
    for field in ("title", "summary", "body"):
        for suffix in ("zh_hans", "en"):
            data[f"{field}_{suffix}"] = getattr(article, f"{field}_{suffix}") or ""
    # The byline and topics as the browser sends the selects' choices.
    data.update(byline_fields.initial(article))
    if article.published_at:
        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(overrides)
    return data


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "lxml")
    return [li.get_text(" ", strip=True) for li in soup.select(".errorlist li")]


def bulk(client, action: str, *articles: Article, **extra):
    return client.post(
        "/admin/articles/article/",
        {"action": action, "_selected_action": [a.pk for a in articles], "index": 0, **extra},
    )
