"""Fill the database with a large, realistic newsroom for benchmarks: sections in both languages
and published articles with Chinese and English text of newspaper length.

The text is assembled from vocabulary written for this purpose, so it reads like news copy
without being any real article. Rows are written in batches with their fingerprints and search
terms computed as the desk would, so every page behaves as it would in production. One article
in three leads with one of ``--pictures`` drawn pictures, and one in ten shows one as a figure.
"""

import io
import random
import sys
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image as Picture
from PIL import ImageDraw

from articles.models import Article, Section
from media import uploads
from newsroom import changes

SECTIONS = [
    ("world", "国际", "World"), ("china", "中国", "China"), ("city", "城市", "City"),
    ("business", "商业", "Business"), ("technology", "科技", "Technology"),
    ("science", "科学", "Science"), ("health", "健康", "Health"), ("culture", "文化", "Culture"),
    ("sport", "体育", "Sport"), ("education", "教育", "Education"),
    ("environment", "环境", "Environment"), ("opinion", "观点", "Opinion"),
]  # fmt: skip
# Sections are not the same size in a real newsroom: each one's share of every hundred articles
# (World, the largest, gets 15: 15,000 of 100,000, so a 750-page section to read deep into).
SHARES = [15, 14, 12, 10, 9, 6, 6, 7, 8, 5, 4, 4]

EN_SUBJECTS = ["The city council", "A team of engineers", "Residents of the old quarter",
    "The port authority", "Local farmers", "The provincial museum", "A group of teachers",
    "The weather office", "Commuters", "The river authority", "Researchers", "Shop owners",
]  # fmt: skip
EN_VERBS = ["announced", "questioned", "welcomed", "tested", "opened", "reviewed", "postponed",
    "expanded", "measured", "celebrated", "criticised", "approved"]  # fmt: skip
EN_OBJECTS = ["a new ferry timetable", "plans for a riverside park", "the night bus network",
    "a drought-resistant tea", "the school meal programme", "a flood warning system",
    "the rebuilt library", "a bicycle lane on the east bridge", "the harbour cranes",
    "a public archive of old maps", "the winter heating subsidy", "a survey of rooftop gardens",
]  # fmt: skip
EN_TAILS = ["after months of consultation", "despite heavy rain", "ahead of the holiday",
    "with help from volunteers", "for the first time in a decade", "at a crowded meeting",
    "under a tight budget", "as prices kept rising"]  # fmt: skip

ZH_SUBJECTS = ["市议会", "一支工程师团队", "老城区的居民", "港务局", "当地农民", "省博物馆",
    "一群教师", "气象台", "通勤者", "河道管理处", "研究人员", "商户们"]  # fmt: skip
ZH_VERBS = ["宣布了", "质疑了", "欢迎", "测试了", "开放了", "审议了", "推迟了", "扩大了",
    "测量了", "庆祝了", "批评了", "批准了"]  # fmt: skip
ZH_OBJECTS = ["新的渡轮时刻表", "沿河公园的规划", "夜班公交网络", "耐旱茶树品种", "学校午餐计划",
    "洪水预警系统", "重建的图书馆", "东桥的自行车道", "港口起重机", "老地图公共档案",
    "冬季供暖补贴", "屋顶花园普查"]  # fmt: skip
ZH_TAILS = ["经过数月的征求意见", "尽管下着大雨", "在假期到来之前", "在志愿者的帮助下",
    "十年来第一次", "在一场座无虚席的会议上", "在预算紧张的情况下", "在物价持续上涨之际",
]  # fmt: skip


def english_sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)} "
        f"{rng.choice(EN_TAILS)}."
    )


def chinese_sentence(rng: random.Random) -> str:
    subject, verb, thing = rng.choice(ZH_SUBJECTS), rng.choice(ZH_VERBS), rng.choice(ZH_OBJECTS)
    return f"{rng.choice(ZH_TAILS)}，{subject}{verb}{thing}。"


def body(rng: random.Random, sentence, paragraphs: int, per_paragraph: int, joiner: str) -> str:
    return "\n\n".join(
        joiner.join(sentence(rng) for _ in range(per_paragraph)) for _ in range(paragraphs)
    )


def section_cycle(shares: list[int]) -> list[int]:
    """Which section each article of a repeating run of ``sum(shares)`` goes to, each section
    spread evenly through the run. The run starts with the first section, so article numbers
    that are multiples of ``sum(shares)`` are all in it."""
    slots = sorted((k / share, index) for index, share in enumerate(shares) for k in range(share))
    return [index for _position, index in slots]


class Command(BaseCommand):
    help = "Generate sections and published articles in both languages for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--sections", type=int, default=12)
        parser.add_argument("--batch", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--pictures", type=int, default=24)

    def handle(self, *args, articles, sections, batch, seed, pictures=24, **options):
        if not 1 <= sections <= len(SECTIONS):
            raise CommandError(f"--sections must be between 1 and {len(SECTIONS)}.")
        if articles < 1 or batch < 1:
            raise CommandError("--articles and --batch must be positive.")
        rng = random.Random(seed)
        chosen = []
        for position, (slug, name_zh, name_en) in enumerate(SECTIONS[:sections]):
            section, _created = Section.objects.get_or_create(
                slug=slug,
                defaults={"name_zh_hans": name_zh, "name_en": name_en, "position": position},
            )
            chosen.append(section)
        self.pictures = [drawn(index) for index in range(pictures)]
        cycle = section_cycle(SHARES[:sections])
        existing = Article.objects.filter(slug__startswith="generated-").count()
        started, now = time.monotonic(), timezone.now()
        for first in range(existing, articles, batch):
            rows = [
                self.article(rng, chosen[cycle[number % len(cycle)]], number, now)
                for number in range(first, min(first + batch, articles))
            ]
            with transaction.atomic():
                # In inserts of 500: PostgreSQL takes at most 65,535 parameters a query.
                Article.objects.bulk_create(rows, batch_size=500)
                # New sections and articles: every page may show them.
                changes.changed(changes.SITE)
            self.progress(first + len(rows), articles, started)
        sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(f"{articles} generated articles in {sections} sections.")
        )

    def article(self, rng: random.Random, section: Section, number: int, now) -> Article:
        # About one article in ten has a single language, as in a real bilingual newsroom.
        languages = rng.choices(["both", "zh-hans", "en"], weights=[90, 6, 4])[0]
        article = Article(
            section=section,
            slug=f"generated-{number}",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=7 * number + rng.randrange(7)),
        )
        if languages in ("both", "zh-hans"):
            article.title_zh_hans = chinese_sentence(rng).rstrip("。")[:60]
            article.summary_zh_hans = chinese_sentence(rng)
            article.body_zh_hans = body(rng, chinese_sentence, rng.randint(6, 12), 3, "")
        if languages in ("both", "en"):
            article.title_en = english_sentence(rng).rstrip(".")[:120]
            article.summary_en = english_sentence(rng)
            article.body_en = body(rng, english_sentence, rng.randint(6, 12), 4, " ")
        if self.pictures and number % 3 == 0:
            article.image = self.pictures[number // 3 % len(self.pictures)]
            article.image_alt_zh_hans, article.image_alt_en = "一张插图", "An illustration"
            article.image_caption_zh_hans, article.image_caption_en = "资料图", "File picture"
        if self.pictures and number % 10 == 0 and article.body_en:
            figure = self.pictures[number // 10 % len(self.pictures)]
            article.body_en += f'\n\n![A drawing](media:{figure.name} "A drawing")'
        article.derive()
        article.translation_marks = {}
        return article

    def progress(self, done: int, total: int, started: float) -> None:
        width = 40
        filled = width * done // total
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else 0
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f} articles/s)"
        )
        sys.stderr.flush()


def drawn(index: int):
    """Picture ``index`` of the generated newsroom, in the library: bands of colour."""
    rng = random.Random(index)
    picture = Picture.new("RGB", (1600, 1067), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(picture)
    for _band in range(12):
        x, y = rng.randrange(1600), rng.randrange(1067)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + rng.randrange(80, 600), y + rng.randrange(80, 400)), fill=colour)
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=80)
    return uploads.store(output.getvalue(), "jpg").image
