"""Topic pages: ``/<lang>/topics/<slug>/``; a topic merged into another redirects to it."""

from articles.named_pages import NamedPageView

from .models import Topic


class TopicView(NamedPageView):
    model = Topic
