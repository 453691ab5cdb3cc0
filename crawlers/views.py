"""robots.txt, /.well-known/tdmrep.json and the site's own licensing policy page."""

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView

from newsroom.changes import SITE
from newsroom.page_cache import show_keys

from .robots import current_policy, policy_url, robots_txt, tdmrep


def robots(request):
    sitemap = request.build_absolute_uri(reverse("sitemap-index"))
    response = HttpResponse(
        robots_txt(current_policy(request), sitemap), content_type="text/plain; charset=utf-8"
    )
    show_keys(response, SITE)  # the policy: part of what every page shows
    return response


def tdmrep_json(request):
    policy = current_policy(request)
    response = JsonResponse(tdmrep(policy, policy_url(policy, request)), safe=False)
    show_keys(response, SITE)
    return response


class PolicyView(TemplateView):
    template_name = "crawlers/policy.html"

    def get_context_data(self, **kwargs):
        policy = current_policy(self.request)
        return super().get_context_data(policy=policy, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        show_keys(response, SITE)
        return response
