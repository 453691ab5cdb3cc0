"""What a change and a first render cost, in one process, on the database DATABASE_URL names:
``make bench`` runs it on newsrooms of different sizes to show the costs do not grow with the
archive. Prints one JSON line of medians in milliseconds.

- a correction: save_article with a changed body, as the desk saves it (the change record and
  its notification included);
- a first render of each page type, the page cache off and the kept list items dropped first:
  an article and its document (a different one each time, anywhere in the archive), World's
  first and 500th page, the front page.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["PAGE_CACHE"] = "off"

import django

django.setup()

from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402

from articles import revisions  # noqa: E402
from articles.models import Article  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_SCALE_ROUNDS", "40"))


def median_ms(action, rounds: int = ROUNDS) -> float:
    action(0)  # the first of anything pays for imports and connections
    times = []
    for number in range(1, rounds + 1):
        caches["fragments"].clear()
        started = time.perf_counter()
        action(number)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def main() -> int:
    rng = random.Random(2026)
    everything = list(
        Article.objects.published().filter(section__slug="world").values_list("slug", flat=True)
    )
    picked = rng.sample(everything, 2 * ROUNDS + 2)
    client = Client()

    def get(address: str) -> None:
        response = client.get(address, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (address, response.status_code)

    def correct(number: int) -> None:
        article = Article.objects.select_related("section").get(slug=picked[number])
        field = "body_en" if article.body_en else "body_zh_hans"
        setattr(article, field, f"{getattr(article, field)}\n\nScale correction {number}.")
        revisions.save_article(article, note="Scale correction")

    results = {
        "articles": Article.objects.count(),
        "correction": median_ms(correct),
        "article": median_ms(lambda n: get(f"/zh-hans/world/{picked[ROUNDS + n]}/")),
        "document": median_ms(lambda n: get(f"/world/{picked[n]}.md")),
        "section": median_ms(lambda n: get("/zh-hans/world/")),
        "section, page 500": median_ms(lambda n: get("/zh-hans/world/?page=500")),
        "front page": median_ms(lambda n: get("/zh-hans/")),
    }
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
