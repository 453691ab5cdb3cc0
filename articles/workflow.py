"""Who may do what at the desk: the three roles and the moves an article's status can make.

Roles are groups, made by a data migration: *Writers* write and submit their own drafts, may
withdraw them from review, and read the published archive; *Editors* edit, publish and unpublish
in the sections they are assigned to (``Section.editors``); *Administrators* (and superusers)
may do everything. Every admin view and action asks a
:class:`Desk` before it shows or does anything, so a forged request gets no further than a
hidden button would.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Article, Section

WRITERS = "Writers"
EDITORS = "Editors"
ADMINISTRATORS = "Administrators"

Status = Article.Status


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: Promise
    button: Promise
    # Writers may take this step with their own articles; every other step is an editor's.
    is_writers_step: bool = False
    # The step a person usually opens the form for: its button comes first and largest.
    is_primary: bool = False


TRANSITIONS = (
    Transition(
        "publish",
        (Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED),
        Status.PUBLISHED,
        _("Publish"),
        _("Save and publish"),
        is_primary=True,
    ),
    Transition(
        "submit",
        (Status.DRAFT,),
        Status.REVIEW,
        _("Submit for review"),
        _("Save and submit for review"),
        is_writers_step=True,
        is_primary=True,
    ),
    Transition(
        "withdraw",
        (Status.REVIEW,),
        Status.DRAFT,
        _("Withdraw from review"),
        _("Withdraw from review"),
        is_writers_step=True,
    ),
    Transition(
        "unpublish",
        (Status.PUBLISHED,),
        Status.UNPUBLISHED,
        _("Unpublish"),
        _("Save and unpublish"),
    ),
    Transition(
        "back-to-draft",
        (Status.REVIEW, Status.UNPUBLISHED),
        Status.DRAFT,
        _("Back to draft"),
        _("Save and move back to draft"),
    ),
)
TRANSITIONS_BY_NAME = {transition.name: transition for transition in TRANSITIONS}


class Desk:
    """One person's rights at the desk, worked out once per request (see :func:`desk_for`)."""

    def __init__(self, user):
        self.user = user
        groups = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        self.is_administrator = user.is_active and (user.is_superuser or ADMINISTRATORS in groups)
        self.is_editor = user.is_active and EDITORS in groups
        self.is_writer = user.is_active and WRITERS in groups
        self.section_ids = (
            set(user.edited_sections.values_list("pk", flat=True)) if self.is_editor else set()
        )

    @property
    def may_add_articles(self) -> bool:
        return self.is_administrator or self.is_editor or self.is_writer

    def articles(self, queryset):
        """The articles this person sees in the admin: what they may edit, their own, and the
        published archive."""
        if self.is_administrator:
            return queryset
        archive = Q(status=Status.PUBLISHED, published_at__lte=timezone.now())
        return queryset.filter(Q(section__in=self.section_ids) | Q(created_by=self.user) | archive)

    def sections_for_articles(self):
        """The sections this person may file an article in."""
        if self.is_administrator or self.is_writer:
            return Section.objects.all()
        return Section.objects.filter(pk__in=self.section_ids)

    def edits_section(self, section_id) -> bool:
        """Whether this person edits the section; for an article not yet filed in one,
        whether they edit any."""
        if section_id is None:
            return self.is_administrator or bool(self.section_ids)
        return self.is_administrator or section_id in self.section_ids

    def owns(self, article: Article) -> bool:
        return (self.is_writer or self.is_editor) and (
            article.pk is None or article.created_by_id == self.user.pk
        )

    def owns_draft(self, article: Article) -> bool:
        return article.status == Status.DRAFT and self.owns(article)

    def can_edit(self, article: Article) -> bool:
        return self.edits_section(article.section_id) or self.owns_draft(article)

    def can_view(self, article: Article) -> bool:
        return self.sees_history(article) or (
            self.may_add_articles and article.is_published and not article.is_scheduled
        )

    def sees_history(self, article: Article) -> bool:
        """Revisions, previews and share links: for the article's own people, not for someone
        reading the archive (earlier drafts were never published)."""
        return self.can_edit(article) or article.created_by_id == self.user.pk

    def can_schedule(self, article: Article | None) -> bool:
        """Setting the publication time is part of publishing."""
        return self.edits_section(article.section_id if article is not None else None)

    def transitions(self, article: Article) -> list[Transition]:
        """The status moves this person may make with ``article`` now, the primary one
        first."""
        allowed = []
        for transition in TRANSITIONS:
            if article.status not in transition.sources:
                continue
            if self.edits_section(article.section_id) or (
                transition.is_writers_step and self.owns(article)
            ):
                allowed.append(transition)
        return allowed


def desk_for(user) -> Desk:
    """The :class:`Desk` of ``user``, kept on the user object for the rest of the request."""
    desk = getattr(user, "_newsroom_desk", None)
    if desk is None:
        desk = Desk(user)
        user._newsroom_desk = desk
    return desk
