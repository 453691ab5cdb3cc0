"""Fill the database with a large, realistic newsroom for benchmarks: sections in both languages
and published articles with Chinese and English text of newspaper length.

The text is assembled from vocabulary written for this purpose, so it reads like news copy
without being any real article. Rows are written in batches with their fingerprints and search
terms computed as the desk would, so every page behaves as it would in production. One article
in three leads with one of ``--pictures`` drawn pictures, and one in ten shows one as a figure.
Each has a byline of one to three of ``--people`` people and up to three of ``--topics`` topics,
a few of each far more often than the rest, as in a real newsroom.
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
from people.models import Person
from topics.models import Topic

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


SURNAMES = [("李", "Li"), ("王", "Wang"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou")]  # fmt: skip
GIVEN_NAMES = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"),
    ("磊", "Lei"), ("洋", "Yang"), ("艳", "Yan"), ("勇", "Yong"), ("军", "Jun"), ("杰", "Jie"),
    ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"),
    ("晓雨", "Xiaoyu"), ("海燕", "Haiyan"), ("建华", "Jianhua")]  # fmt: skip
TOPIC_PLACES = [("港口", "Harbour"), ("河道", "River"), ("学校", "School"), ("农村", "Rural"),
    ("老城", "Old town"), ("机场", "Airport"), ("海岸", "Coastal"), ("山区", "Mountain"),
    ("铁路", "Rail"), ("医院", "Hospital"), ("市场", "Market"), ("图书馆", "Library"),
    ("公园", "Park"), ("社区", "Community"), ("工厂", "Factory"), ("博物馆", "Museum"),
    ("水电", "Hydropower"), ("渔业", "Fishing"), ("茶园", "Tea garden"), ("夜班公交", "Night bus"),
    ("自行车", "Cycling"), ("住房", "Housing"), ("供暖", "Heating"), ("气象", "Weather"),
    ("档案", "Archive")]  # fmt: skip
TOPIC_THEMES = [("政策", "policy"), ("预算", "budget"), ("安全", "safety"), ("历史", "history"),
    ("改造", "renewal"), ("就业", "jobs"), ("价格", "prices"), ("气候", "and climate"),
    ("志愿者", "volunteers"), ("规划", "planning"), ("技术", "technology"), ("教育", "education"),
    ("健康", "health"), ("旅游", "tourism"), ("法规", "rules"), ("数据", "data"),
    ("抗议", "protests"), ("选举", "elections"), ("节日", "festivals"),
    ("交通", "traffic")]  # fmt: skip


def popular(rng: random.Random, rows: list, count: int) -> list:
    """``count`` different ones of ``rows``, the first far more often than the last (Zipf)."""
    chosen = []
    while len(chosen) < min(count, len(rows)):
        row = rows[min(int(len(rows) ** rng.random()) - 1, len(rows) - 1)]
        if row not in chosen:
            chosen.append(row)
    return chosen


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
        parser.add_argument("--people", type=int, default=2_000)
        parser.add_argument("--topics", type=int, default=500)

    def handle(self, *args, articles, sections, batch, seed, pictures=24, **options):
        people, topics = options.get("people", 2_000), options.get("topics", 500)
        if people < 0 or topics < 0 or topics > len(TOPIC_PLACES) * len(TOPIC_THEMES):
            raise CommandError(
                f"--people must be 0 or more, --topics between 0 and "
                f"{len(TOPIC_PLACES) * len(TOPIC_THEMES)}."
            )
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
        self.people = generated_people(people)
        self.topics = generated_topics(topics)
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
                Article.store_links_of(rows)
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
        if self.people:
            authors = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
            article.set_byline(popular(rng, self.people, authors))
        if self.topics:
            article.set_topics(popular(rng, self.topics, rng.choice([0, 1, 1, 2, 2, 3])))
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


def generated_people(count: int) -> list[Person]:
    """The newsroom's people, ``person-0`` to ``person-<count - 1>``: 李伟 / Li Wei, …, made
    once."""
    names = [(zh + given_zh, f"{en} {given_en}") for given_zh, given_en in GIVEN_NAMES
             for zh, en in SURNAMES]  # fmt: skip
    wanted = []
    for number in range(count):
        zh, en = names[number % len(names)]
        wanted.append(Person(slug=f"person-{number}", name_zh_hans=zh, name_en=en))
    Person.objects.bulk_create(wanted, batch_size=1000, ignore_conflicts=True)
    found = Person.objects.in_bulk([person.slug for person in wanted], field_name="slug")
    return [found[person.slug] for person in wanted]


def generated_topics(count: int) -> list[Topic]:
    """The newsroom's topics, ``topic-0`` to ``topic-<count - 1>``: 港口政策 / Harbour policy,
    …, made once."""
    pairs = [(place, theme) for theme in TOPIC_THEMES for place in TOPIC_PLACES][:count]
    wanted = [
        Topic(
            slug=f"topic-{number}",
            name_zh_hans=place_zh + theme_zh,
            name_en=f"{place_en} {theme_en}",
        )
        for number, ((place_zh, place_en), (theme_zh, theme_en)) in enumerate(pairs)
    ]
    Topic.objects.bulk_create(wanted, batch_size=1000, ignore_conflicts=True)
    found = Topic.objects.in_bulk([topic.slug for topic in wanted], field_name="slug")
    return [found[topic.slug] for topic in wanted]


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
