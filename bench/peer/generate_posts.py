"""Fill bakerydemo's blog with N posts, for the peer news day (docs/peer-benchmark.md).

Run inside a bakerydemo checkout with its settings: ``python generate_posts.py 100000``. Posts
are inserted in bulk, with tree paths written as Wagtail's page tree writes them (four base-36
characters a level), then the 10,000 newest are written to ``articles.txt`` as the readers'
addresses, newest first.
"""

import datetime
import json
import random
import sys
import uuid
from pathlib import Path

import django

django.setup()

from bakerydemo.blog.models import BlogIndexPage, BlogPage  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Locale, Page  # noqa: E402

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORDS = ["harbour", "ferry", "council", "budget", "rain", "market", "school", "river", "bridge",
         "report", "tower", "night", "train", "festival", "museum", "library", "power", "station",
         "street", "water", "season", "vote", "court"]  # fmt: skip
BATCH = 2000


def step(position: int) -> str:
    """One level of a tree path: ``position`` in base 36, four characters."""
    text = ""
    while position:
        position, digit = divmod(position, 36)
        text = DIGITS[digit] + text
    return text.rjust(4, "0")


def main() -> int:
    count = int(sys.argv[1])
    rng = random.Random(7)

    def paragraph() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(80)).capitalize() + "."

    index = BlogIndexPage.objects.get()
    kind = ContentType.objects.get_for_model(BlogPage)
    locale = Locale.get_default()
    first, now = index.numchild, timezone.now()
    with transaction.atomic():
        for start in range(0, count, BATCH):
            pages, rows = [], []
            for number in range(start, min(count, start + BATCH)):
                when = now - datetime.timedelta(minutes=30 * (count - number))
                slug = f"post-{number}"
                pages.append(Page(
                    path=index.path + step(first + number + 1), depth=index.depth + 1,
                    numchild=0, title=f"Post {number} about the harbour",
                    draft_title=f"Post {number} about the harbour", slug=slug,
                    content_type=kind, live=True, has_unpublished_changes=False,
                    url_path=f"{index.url_path}{slug}/", first_published_at=when,
                    last_published_at=when, locale=locale, translation_key=uuid.uuid4(),
                ))  # fmt: skip
                body = [{"type": "paragraph_block", "id": str(uuid.uuid4()),
                         "value": "".join(f"<p>{paragraph()}</p>" for _ in range(5))}]  # fmt: skip
                rows.append([paragraph(), json.dumps(body), when.date()])
            Page.objects.bulk_create(pages)
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO blog_blogpage (page_ptr_id, introduction, body, subtitle, "
                    "date_published) VALUES (%s, %s, %s::jsonb, '', %s)",
                    [[page.pk, *row] for page, row in zip(pages, rows, strict=True)],
                )
            print(start + len(pages), flush=True)
        Page.objects.filter(pk=index.pk).update(numchild=first + count)
    home = index.get_parent().url_path
    newest = BlogPage.objects.live().order_by("-first_published_at")
    paths = [path[len(home) - 1 :] for path in newest.values_list("url_path", flat=True)[:10_000]]
    Path("articles.txt").write_text("\n".join(paths) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
