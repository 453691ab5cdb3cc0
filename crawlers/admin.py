"""Administrators set the crawler policy here; every change is seen by every server at once."""

from django.contrib import admin
from django.db import models

from newsroom.changes import RecordedOnce, batch

from .models import Crawler, SitePolicy, policy_changed


class ChangesPolicy(RecordedOnce):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        policy_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        policy_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        policy_changed()

    def delete_queryset(self, request, queryset):
        with batch():  # the deletions and their record, in one transaction
            super().delete_queryset(request, queryset)
            policy_changed()


@admin.register(SitePolicy)
class SitePolicyAdmin(ChangesPolicy, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SitePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Crawler)
class CrawlerAdmin(ChangesPolicy, admin.ModelAdmin):
    list_display = ("user_agent", "purpose", "is_allowed")
    list_filter = ("purpose", "is_allowed")
    filter_horizontal = ("exceptions",)
    search_fields = ("user_agent",)
