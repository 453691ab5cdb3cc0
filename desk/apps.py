from django.apps import AppConfig
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = _("Desk")

    def ready(self):
        from django.contrib import admin

        # The desk is named after the product, in the editor's language, not "Django
        # administration".
        admin.site.site_header = format_lazy("{} · {}", settings.SITE_NAME, _("Desk"))
        admin.site.site_title = admin.site.site_header
        admin.site.index_title = _("Desk")
