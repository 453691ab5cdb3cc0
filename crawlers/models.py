"""The site's policy for crawlers: which search engines and AI crawlers may read what, and
whether text and data mining is reserved (TDMRep)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Section
from newsroom import changes

user_agent_token = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z",
    _("A crawler's user-agent token: letters, digits, dots, hyphens and underscores, e.g. GPTBot."),
)


class SitePolicy(models.Model):
    """The one row of site-wide rules (see :meth:`current`)."""

    reserves_text_and_data_mining = models.BooleanField(
        _("reserve text and data mining"),
        default=True,
        help_text=_(
            "Publish a TDMRep reservation: text and data mining (AI training included) needs "
            "a licence. Sent as the tdm-reservation header, meta tag and /.well-known/tdmrep.json."
        ),
    )
    policy_url = models.URLField(
        _("licensing policy address"),
        blank=True,
        help_text=_(
            "Where the terms for text and data mining are published. Left empty, the site's own "
            "policy page is used."
        ),
    )
    allows_other_crawlers = models.BooleanField(
        _("allow crawlers not listed"),
        default=True,
        help_text=_("The rule for every crawler not named below (User-agent: *)."),
    )

    class Meta:
        verbose_name = _("site policy")
        verbose_name_plural = _("site policy")

    def __str__(self) -> str:
        return str(_("Site policy"))

    @classmethod
    def current(cls) -> "SitePolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Crawler(models.Model):
    class Purpose(models.TextChoices):
        SEARCH = "search", _("search engine")
        AI = "ai", _("AI crawler or AI training")

    user_agent = models.CharField(
        _("user-agent token"), max_length=100, unique=True, validators=[user_agent_token]
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    is_allowed = models.BooleanField(_("allowed"), default=False)
    exceptions = models.ManyToManyField(
        Section,
        blank=True,
        related_name="+",
        verbose_name=_("sections with the opposite rule"),
        help_text=_(
            "An allowed crawler may not read these sections; a refused one may read only these."
        ),
    )

    class Meta:
        verbose_name = _("crawler")
        verbose_name_plural = _("crawlers")
        ordering = ["purpose", "user_agent"]

    def __str__(self) -> str:
        return self.user_agent


def policy_changed() -> None:
    """Called when an administrator changes the policy, in the same transaction: robots.txt and
    every page's TDM headers and meta tags show it, so every page changes."""
    changes.changed(changes.SITE)
