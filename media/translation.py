"""The fields django-modeltranslation keeps once per language: ``alt_zh_hans``, ``alt_en`` …"""

from modeltranslation.translator import TranslationOptions, register

from .models import Image


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
