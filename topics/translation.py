"""The fields django-modeltranslation keeps once per language: ``name_zh_hans``, ``name_en`` …"""

from modeltranslation.translator import TranslationOptions, register

from .models import Topic


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description")
