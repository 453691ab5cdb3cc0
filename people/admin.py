from django.contrib import admin

from articles.named_admin import NamedAdmin

from .models import Person


@admin.register(Person)
class PersonAdmin(NamedAdmin):
    extra_fields = ("photo", "account")
    autocomplete_fields = ("photo",)  # a desk account is chosen from a plain list
    list_display = ("__str__", "slug", "account")
    list_select_related = ("account",)
