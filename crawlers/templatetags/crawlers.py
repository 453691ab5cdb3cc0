from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from crawlers.robots import current_policy, policy_url

register = template.Library()


@register.simple_tag(takes_context=True)
def tdm_meta(context):
    """The TDMRep meta tags for a reader page: the same reservation the headers send."""
    policy = current_policy(context["request"])
    if not policy.reserves_tdm:
        return mark_safe('<meta name="tdm-reservation" content="0">')
    return format_html(
        '<meta name="tdm-reservation" content="1">\n  <meta name="tdm-policy" content="{}">',
        policy_url(policy, context["request"]),
    )
