"""What a person sees when django-axes has paused signing in to their account from their
address (settings: LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES)."""

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
