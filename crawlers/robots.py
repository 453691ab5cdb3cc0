"""robots.txt and TDMRep, built from the site policy."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import translation

from newsroom.page_cache import memoised

from .models import Crawler, SitePolicy

# Never worth crawling, whatever the policy: the desk, previews, and search results (the
# search page itself may be crawled).
ALWAYS_DISALLOWED = ["/admin/", "/*/preview/", "/*/search/?"]


@dataclass(frozen=True)
class Policy:
    """Everything robots.txt and the TDM signals need, small enough to cache."""

    reserves_tdm: bool
    policy_url: str
    allows_others: bool
    crawlers: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (user agent, allowed, sections)


def current_policy(request) -> Policy:
    """The policy as the administrators last saved it; each app server reads it again after a
    change to what every page shows (a policy change is one: see models.policy_changed)."""
    return memoised(request, "crawlers:policy", _read_policy)


def _read_policy() -> Policy:
    site = SitePolicy.current()
    crawlers = tuple(
        (
            crawler.user_agent,
            crawler.is_allowed,
            tuple(s.slug for s in crawler.exceptions.all()),
        )
        for crawler in Crawler.objects.prefetch_related("exceptions")
    )
    return Policy(
        reserves_tdm=site.reserves_text_and_data_mining,
        policy_url=site.policy_url,
        allows_others=site.allows_other_crawlers,
        crawlers=crawlers,
    )


def policy_url(policy: Policy, request) -> str:
    """The licensing terms' address: the administrator's, or the site's own page."""
    if policy.policy_url:
        return policy.policy_url
    return request.build_absolute_uri(_policy_page_path(get_script_prefix()))


@lru_cache(maxsize=16)
def _policy_page_path(prefix: str) -> str:
    """The policy page's path: resolved once per script prefix, not twice a request."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("crawlers:policy")


def section_paths(slug: str) -> list[str]:
    """Every address under a section: its pages in each language, and its documents."""
    return [f"/{code}/{slug}/" for code, _name in settings.LANGUAGES] + [f"/{slug}/"]


def robots_txt(policy: Policy, sitemap_url: str) -> str:
    lines = []
    for user_agent, allowed, exceptions in policy.crawlers:
        lines.append(f"User-agent: {user_agent}")
        if allowed:
            disallowed = [path for slug in exceptions for path in section_paths(slug)]
            lines += [f"Disallow: {path}" for path in ALWAYS_DISALLOWED + disallowed]
        else:
            lines += [f"Allow: {path}" for slug in exceptions for path in section_paths(slug)]
            lines.append("Disallow: /")
        lines.append("")
    lines.append("User-agent: *")
    if policy.allows_others:
        lines += [f"Disallow: {path}" for path in ALWAYS_DISALLOWED]
    else:
        lines.append("Disallow: /")
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)


def tdmrep(policy: Policy, url: str) -> list[dict]:
    """The /.well-known/tdmrep.json document (W3C TDMRep)."""
    if not policy.reserves_tdm:
        return [{"location": "/*", "tdm-reservation": 0}]
    return [{"location": "/*", "tdm-reservation": 1, "tdm-policy": url}]
