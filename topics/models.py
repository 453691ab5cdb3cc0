"""Topics: subjects readers follow across sections (气候 / Climate), and which articles are
about them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article, reader_path
from articles.named import Named


class Topic(Named):
    article_lookup = "topic_links__topic"  # how an article query reaches it (ArticleQuerySet.about)

    class Meta(Named.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self) -> str:
        return reader_path("articles:topic", slug=self.slug)

    @classmethod
    def moved_from(cls, slug: str) -> "Topic | None":
        """The topic one with ``slug`` was merged into."""
        alias = TopicAlias.objects.select_related("topic").filter(slug=slug).first()
        return alias.topic if alias else None

    @property
    def page_key(self) -> str:
        """The key of the pages that show this topic's name (newsroom/changes.py)."""
        return f"topic-{self.pk}"

    @property
    def list_key(self) -> str:
        """The key of the pages that list this topic's articles."""
        return f"topic-articles-{self.pk}"


class ArticleTopic(models.Model):
    """An article is about a topic; ``position`` keeps the order its document lists them in."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="article_links", verbose_name=_("topic")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The article's date (Article._date_links), which the topic page is ordered by.
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("topic of an article")
        verbose_name_plural = _("topics")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "topic"], name="article_topic_once")
        ]
        indexes = [
            # Related articles: does an article share one of these topics?
            models.Index(fields=["topic", "article"], name="topic_article"),
            # A topic page walks its articles newest first here, one page at a time.
            models.Index(fields=["topic", "-published_at", "-article"], name="topic_latest"),
        ]

    def __str__(self) -> str:
        return str(self.topic)


class TopicAlias(models.Model):
    """The slug of a topic merged into another: its pages redirect there."""

    slug = models.CharField(max_length=60, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="aliases")

    def __str__(self) -> str:
        return self.slug
