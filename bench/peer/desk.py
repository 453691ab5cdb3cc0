"""The desk during the peer news day: every few seconds a correction to a random one of the
10,000 newest posts, through Wagtail's editor save path (save a revision, publish it).

Run inside a bakerydemo checkout with its settings: ``python desk.py EVERY SECONDS``. Prints one
JSON line: how many corrections were saved and how long a save took (median and slowest, ms).
"""

import json
import random
import statistics
import sys
import time

import django

django.setup()

from bakerydemo.blog.models import BlogPage  # noqa: E402


def main() -> int:
    every, duration = float(sys.argv[1]), float(sys.argv[2])
    newest = BlogPage.objects.live().order_by("-first_published_at")
    recent = list(newest.values_list("pk", flat=True)[:10_000])
    rng = random.Random(2026)
    times, started, number = [], time.monotonic(), 0
    while time.monotonic() - started < duration:
        number += 1
        post = BlogPage.objects.get(pk=rng.choice(recent))
        post.introduction = f"{post.introduction} Correction {number}."
        began = time.perf_counter()
        post.save_revision().publish()
        times.append((time.perf_counter() - began) * 1000)
        time.sleep(max(0.0, every - (time.perf_counter() - began)))
    print(json.dumps({"saves": len(times), "median_ms": statistics.median(times),
                      "slowest_ms": max(times)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
