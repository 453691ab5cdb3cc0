"""Load Newsroom's demo content: four sections and the articles in ``articles/demo/``.

The demo goes only into a newsroom with no sections and no articles: once there is content,
whoever wrote or changed it, running this again loads nothing and changes nothing. With DEBUG
on it also makes the development admin account and prints its login.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles import revisions
from articles.models import Article, Section
from newsroom import changes
from people.models import Byline, Person
from topics.models import Topic

DEMO_ARTICLES = Path(__file__).resolve().parents[2] / "demo"

DEMO_SECTIONS = [
    ("world", "国际", "World", "来自世界各地的报道。", "Reports from around the world."),
    ("city", "城市", "City", "我们这座城市的日常与变化。", "Daily life and change in our city."),
    ("culture", "文化", "Culture", "艺术、手艺与阅读。", "Arts, crafts and books."),
    ("science", "科学", "Science", "实验室、田野与天空。", "Laboratories, fields and skies."),
]

# People of the demo bylines (slug, names, short bios), all made up for Newsroom.
DEMO_PEOPLE = [
    ("lin-xiaoyu", "林晓雨", "Lin Xiaoyu", "城市与交通记者。", "Covers the city and how it moves."),
    ("tom-hale", "汤姆·黑尔", "Tom Hale", "国际新闻编辑。", "Edits the world pages."),
    ("zhao-ming", "赵明", "Zhao Ming", "科学记者。", "Science reporter: climate and farms."),
    ("ana-pereira", "安娜·佩雷拉", "Ana Pereira", "文化撰稿人、译者。", "Culture and books."),
    ("photo-desk", "本报摄影部", "Newsroom photo desk", "", ""),
]
DEMO_PHOTOGRAPHERS = ["photo-desk"]  # credited for the photos in their bylines
DEMO_TOPICS = [
    ("climate", "气候", "Climate"),
    ("transport", "交通", "Transport"),
    ("urban-life", "城市生活", "Urban life"),
    ("heritage", "文化遗产", "Heritage"),
    ("translation", "翻译", "Translation"),
    ("farming", "农业", "Farming"),
    ("space", "太空", "Space"),
]

DEV_USERNAME = "admin"
DEV_PASSWORD = "newsroom-dev"


class Command(BaseCommand):
    help = "Load the demo sections and articles (and, with DEBUG on, a development admin)."

    def handle(self, *args, **options):
        if Section.objects.exists() or Article.objects.exists():
            self.stdout.write(
                "The newsroom has sections or articles already, so the demo content was not "
                "loaded (it goes only into an empty newsroom and never touches editors' work)."
            )
        else:
            self.load()
        if settings.DEBUG:
            self.make_dev_admin()
        else:
            self.stdout.write("DEBUG is off, so no development admin account was made.")

    def load(self) -> None:
        with changes.batch():
            for position, (slug, name_zh, name_en, about_zh, about_en) in enumerate(DEMO_SECTIONS):
                Section.objects.create(
                    slug=slug,
                    name_zh_hans=name_zh,
                    name_en=name_en,
                    description_zh_hans=about_zh,
                    description_en=about_en,
                    position=position,
                )
            changes.changed(changes.SITE)  # the navigation shows the sections
            for slug, name_zh, name_en, about_zh, about_en in DEMO_PEOPLE:
                Person.objects.create(
                    slug=slug,
                    name_zh_hans=name_zh,
                    name_en=name_en,
                    description_zh_hans=about_zh,
                    description_en=about_en,
                )
            for slug, name_zh, name_en in DEMO_TOPICS:
                Topic.objects.create(slug=slug, name_zh_hans=name_zh, name_en=name_en)
            # The pictures' renditions are made by the task worker that `make run` starts.
            call_command(
                "import_articles", str(DEMO_ARTICLES), renditions_later=True, stdout=self.stdout
            )
            # Roles are the desk's, not the documents': given as an editor would.
            credited = Article.objects.filter(bylines__person__slug__in=DEMO_PHOTOGRAPHERS)
            for article in credited.select_related("section").distinct():
                photos = Byline.Role.PHOTOS
                article.set_byline([
                    (line.person, photos if line.person.slug in DEMO_PHOTOGRAPHERS else line.role)
                    for line in article.byline
                ])  # fmt: skip
                revisions.save_article(article, note="Photo credits", is_public_note=False)

    def make_dev_admin(self) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEV_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEV_PASSWORD)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Development admin account: user {DEV_USERNAME!r}, password {DEV_PASSWORD!r}"
                + ("" if created else " (unless you changed it)")
                + "; sign in at /admin/"
            )
        )
