"""Topic pages: ``/<lang>/topics/<slug>/``; a topic merged into another redirects to it."""

from articles.named_pages import NamedPageView

from .models import Topic, TopicAlias


class TopicView(NamedPageView):
    model = Topic

    def moved_to(self, slug):
        alias = TopicAlias.objects.select_related("topic").filter(slug=slug).first()
        return alias.topic if alias else None
