"""Author pages: ``/<lang>/authors/<slug>/``."""

from articles.named_pages import NamedPageView

from .models import Person


class AuthorView(NamedPageView):
    model = Person

    def named(self):
        return Person.objects.select_related("photo").filter(slug=self.kwargs["slug"]).first()
