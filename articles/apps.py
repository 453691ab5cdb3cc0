from django.apps import AppConfig
from django.utils.functional import lazy


def publication_name() -> str:
    from .metadata import site_name  # the models it imports are not loaded yet here

    return site_name()


class ArticlesConfig(AppConfig):
    name = "articles"
    # The desk groups articles and sections under the publication's name, in the editor's
    # language.
    verbose_name = lazy(publication_name, str)()
