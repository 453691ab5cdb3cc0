"""Make every stored page stale, here and at the CDN.

Nothing needs it in the normal course: every change is recorded as it is made, and pages stored
by another release are never served. Run it after restoring the database from a backup (the
pages stored since show what the restore took back) or after changing the CDN's configuration.
"""

from django.core.management.base import BaseCommand

from newsroom import changes


class Command(BaseCommand):
    help = "Make every stored page stale, in the page cache and at the CDN (PURGE_URLS)."

    def handle(self, *args, **options):
        changes.changed(changes.SITE)
        self.stdout.write(self.style.SUCCESS("Every page will be rendered afresh."))
