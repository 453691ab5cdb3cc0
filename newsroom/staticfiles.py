"""A static files finder for the one vendor script the admin needs from a package.

django-modeltranslation's language tabs run on jQuery UI, which it would load from a public CDN.
We serve ``jquery-ui/jquery-ui.min.js`` from the pinned XStatic-jQuery-UI package instead, and
only that file: the package's themes hold CSS that points at images it does not ship.
"""

from pathlib import Path

import xstatic.pkg.jquery_ui
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "jquery-ui"
FILENAME = "jquery-ui.min.js"


class JQueryUIFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=xstatic.pkg.jquery_ui.BASE_DIR)
        self.storage.prefix = PREFIX

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PREFIX}/{FILENAME}":
            found = str(Path(self.storage.location) / FILENAME)
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield FILENAME, self.storage
