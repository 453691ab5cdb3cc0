"""The desk during a benchmark: a correction to a random recent article every few seconds, saved
through the same path editors' saves take (articles.revisions.save_article).

    python bench/desk.py --every 2 --for 60 --among 10000 [--newest]

Runs with the benchmark's environment (DATABASE_URL, REDIS_URL, PURGE_URLS …) and prints one
JSON line: how many corrections were saved and how long a save took (median and slowest, ms).
With ``--newest`` every correction goes to the newest article, which every list shows.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from articles import revisions  # noqa: E402
from articles.models import Article  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=float, default=2.0, help="seconds between corrections")
    parser.add_argument("--for", dest="duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--among", type=int, default=10_000, help="the newest articles")
    parser.add_argument("--newest", action="store_true", help="always the newest article")
    arguments = parser.parse_args()
    recent = list(
        Article.objects.published().latest_first().values_list("pk", flat=True)[: arguments.among]
    )
    rng = random.Random(2026)
    times, started = [], time.monotonic()
    number = 0
    while time.monotonic() - started < arguments.duration:
        number += 1
        pk = recent[0] if arguments.newest else rng.choice(recent)
        article = Article.objects.select_related("section").get(pk=pk)
        field = "body_en" if article.body_en else "body_zh_hans"
        setattr(article, field, f"{getattr(article, field)}\n\nCorrection {number}: a figure.")
        began = time.perf_counter()
        revisions.save_article(article, note=f"Correction {number}")
        times.append((time.perf_counter() - began) * 1000)
        time.sleep(max(0.0, started + number * arguments.every - time.monotonic()))
    print(json.dumps({
        "saves": len(times),
        "median_ms": round(statistics.median(times), 1) if times else None,
        "slowest_ms": round(max(times), 1) if times else None,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
