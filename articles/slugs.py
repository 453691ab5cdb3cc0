"""The slug an article's address is proposed with: from its English title, or, for an article
in Chinese only, from the pinyin of its Chinese title (渡轮复航 → du-lun-fu-hang)."""

from django.utils.text import slugify
from pypinyin import lazy_pinyin

MAX_LENGTH = 60  # long enough to say what the article is, short enough to read and share


def proposed_slug(title_en: str | None, title_zh: str | None) -> str:
    words = slugify(title_en or "") or slugify(" ".join(lazy_pinyin(title_zh or "")))
    if len(words) > MAX_LENGTH:
        words = words[: MAX_LENGTH + 1].rsplit("-", 1)[0]
    return words.strip("-")
