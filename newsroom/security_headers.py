"""The browser-side policies every response carries.

Readers' pages run no script of their own and load nothing from other hosts but the pictures
an article's Markdown may show; the desk runs Django's admin scripts and ours, all from this
site. So one strict Content-Security-Policy fits both: everything from this site only (images
from any https site too), no inline script or style (JSON-LD is data, not script), no plugins,
no <base>, no framing, forms posted only here. Browsers report what it
stopped to ``/csp-report/``, which logs it. Permissions-Policy turns off the powerful features
no page of Newsroom uses.
"""

import json
import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: https:",  # a body may show a picture from another site
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "report-uri /csp-report/",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")
)
REPORT_LIMIT = 16_384  # bytes of a report kept in the log

logger = logging.getLogger("newsroom.csp")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@csrf_exempt  # browsers send reports without a token, by design
@require_POST
def csp_report(request):
    body = request.body[:REPORT_LIMIT]
    try:
        report = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past what the parser follows
        return HttpResponse("A report is JSON.\n", status=400, content_type="text/plain")
    logger.warning("Content-Security-Policy stopped something: %s", json.dumps(report)[:2000])
    return HttpResponse(status=204)
