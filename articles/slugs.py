"""The slug an article's address is proposed with: from its English title, or, for an article
in Chinese only, from the pinyin of its Chinese title (渡轮复航 → du-lun-fu-hang).

pypinyin reads a character by its own most common reading and a phrase from its dictionary of
47,000 phrases (重庆: chong-qing, not zhong-qing). That dictionary costs every process that
loads it 44 MB, yet most of its phrases read just as their characters do alone. So pypinyin is
loaded without it (its documented PYPINYIN_NO_PHRASES switch) and given back only the phrases
that read otherwise, about 9,000 (9 MB; pinyin takes 22 MB in all instead of 57): every phrase
of the dictionary reads as it does with the whole of it. In running text pypinyin takes the
longest phrase from the left, so at a word boundary the split can differ: of 2,152 runs of
Chinese in Newsroom's own texts, one reads otherwise (物流行业: hang-ye, where the whole
dictionary's 流行 gives xing-ye). The list is worked out in a process of its own, so the whole
dictionary never enters a server's memory, once per pypinyin version, and kept in var/.
"""

import contextlib
import functools
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

# Read by pypinyin when it is imported, here, and by the process that works out the phrases.
os.environ["PYPINYIN_NO_PHRASES"] = "1"
os.environ["PYPINYIN_NO_DICT_COPY"] = "1"  # pypinyin keeps no second copy of its tables

import pypinyin
from django.conf import settings
from django.utils.text import slugify

logger = logging.getLogger(__name__)

MAX_LENGTH = 60  # long enough to say what the article is, short enough to read and share


def proposed_slug(title_en: str | None, title_zh: str | None) -> str:
    words = slugify(title_en or "") or slugify(" ".join(pinyin(title_zh or "")))
    if len(words) > MAX_LENGTH:
        words = words[: MAX_LENGTH + 1].rsplit("-", 1)[0]
    return words.strip("-")


def pinyin(text: str) -> list[str]:
    """The pinyin of ``text``'s Chinese, without tones; other characters as they are."""
    load_phrases()
    return pypinyin.lazy_pinyin(text)


@functools.cache
def load_phrases() -> None:
    """Give pypinyin the phrases that read otherwise than their characters (once per process;
    gunicorn's master does it before forking its workers, who share them). Should working them
    out fail, pypinyin gets its whole dictionary: more memory, never a wrong or failed slug."""
    kept = Path(settings.BASE_DIR) / "var" / f"pinyin-phrases-{pypinyin.__version__}.json"
    try:
        phrases = checked(kept.read_bytes())
    except (OSError, ValueError):
        try:
            found = subprocess.run(
                [sys.executable, "-m", __name__],
                cwd=settings.BASE_DIR, capture_output=True, check=True, timeout=300,
            )  # fmt: skip
            phrases = checked(found.stdout)
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            said = (getattr(error, "stderr", b"") or b"").decode(errors="replace")[-2000:]
            logger.warning("Pinyin: the whole phrase dictionary is used, as working out the "
                           "phrases that matter failed: %s %s", error, said)  # fmt: skip
            from pypinyin.phrases_dict import phrases_dict as phrases
        else:
            part = kept.with_name(f"{kept.name}.{os.getpid()}")
            with contextlib.suppress(OSError):  # a read-only checkout works them out each time
                part.write_bytes(found.stdout)
                part.replace(kept)  # whole or not at all: another process may be writing it too
    pypinyin.load_phrases_dict(phrases)


def checked(data: bytes) -> dict[str, list[list[str]]]:
    """The phrases in ``data`` (JSON), if they are phrases with a reading per character."""
    phrases = json.loads(data)
    if not isinstance(phrases, dict) or not phrases:
        raise ValueError("not a dictionary of phrases")
    for phrase, readings in phrases.items():
        if not isinstance(readings, list) or len(readings) != len(phrase):
            raise ValueError(f"{phrase!r} does not have a reading per character")
        if not all(isinstance(r, list) and r and isinstance(r[0], str) for r in readings):
            raise ValueError(f"{phrase!r}'s readings are not lists of pinyin")
    return phrases


def phrases_that_matter() -> dict[str, list[list[str]]]:
    """pypinyin's phrases that read otherwise than their characters and the phrases kept before
    them: kept until every phrase of the dictionary reads as it does with the whole of it."""
    from pypinyin.phrases_dict import phrases_dict as everything

    kept: dict = {}
    while True:
        added = {
            phrase: readings
            for phrase, readings in everything.items()
            if phrase not in kept
            and [reading[0] for reading in pypinyin.pinyin(phrase)]
            != [reading[0] for reading in readings]
        }
        if not added:
            return kept
        pypinyin.load_phrases_dict(added)
        kept.update(added)


if __name__ == "__main__":  # run by load_phrases(), as a process of its own
    sys.stdout.buffer.write(json.dumps(phrases_that_matter(), ensure_ascii=False).encode())
