"""The fields django-modeltranslation keeps once per language: ``name_zh_hans``, ``name_en`` …"""

from modeltranslation.translator import TranslationOptions, register

from .models import Person


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ("name", "description")
