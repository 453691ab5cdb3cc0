from django.apps import AppConfig
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Desk")

    def ready(self):
        from django.contrib import admin

        from articles.metadata import site_name

        # The desk is named after the publication, in the editor's language, not "Django
        # administration".
        admin.site.site_header = format_lazy("{} · {}", lazy(site_name, str)(), _("Desk"))
        admin.site.site_title = admin.site.site_header
        admin.site.index_title = _("Desk")
