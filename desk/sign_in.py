"""Signing in, as django-axes throttles it: whose address an attempt comes from, and what a
person sees when signing in to their account from it is paused (settings:
LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES, TRUSTED_PROXIES)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def locked_out(request, response, credentials):
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": settings.AXES_COOLOFF_TIME // timedelta(minutes=1),
    }
    return render(request, "admin/locked_out.html", context, status=429)


def client_address(request) -> str:
    """The address an attempt comes from: the connection's, or, behind TRUSTED_PROXIES proxies
    that each add the address they were reached from to X-Forwarded-For, the one the
    outermost trusted proxy added (what a client writes there itself comes before it)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
