"""The fields django-modeltranslation keeps once per language: ``title_zh_hans``, ``title_en`` …"""

from modeltranslation.translator import TranslationOptions, register

from .models import Article, Section


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "summary",
        "body",
        "correction_note",
        "image_alt",
        "image_caption",
        "image_credit",
    )
