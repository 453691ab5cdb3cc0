"""The article admin's history pages: revisions listed, compared, previewed and restored."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import revisions
from .previews import preview_url, render_revision
from .workflow import desk_for

REVISIONS_PER_PAGE = 50


class RevisionViews:
    """Mixed into ArticleAdmin: URLs under ``/admin/articles/article/<id>/revisions/``."""

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        urls = [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="articles_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/preview/<str:language>/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                view(require_POST(self.restore_view)),
                name="articles_article_restore",
            ),
        ]
        return urls + super().get_urls()

    def viewable_article(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404(_("There is no such article, or you may not see it."))
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        if not desk_for(request.user).sees_history(article):
            raise PermissionDenied
        return article

    def revision_context(self, request, article, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Revisions of “%(article)s”") % {"article": article},
            "time_zone": settings.TIME_ZONE,
            **context,
        }

    def revisions_view(self, request, object_id):
        article = self.viewable_article(request, object_id)
        history = article.revisions.without_texts().select_related("created_by")
        paginator = Paginator(history, REVISIONS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(_("There is no such page of revisions.")) from error
        rows = [
            {
                "revision": revision,
                "previews": [
                    (code, name, self.preview_path(article, revision, code))
                    for code, name in settings.LANGUAGES
                ],
                "share": request.build_absolute_uri(preview_url(revision, settings.LANGUAGE_CODE)),
            }
            for revision in page.object_list
        ]
        context = self.revision_context(
            request,
            article,
            page=page,
            rows=rows,
            can_restore=self.has_change_permission(request, article),
            preview_days=settings.PREVIEW_LINK_MAX_AGE // 86400,
        )
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def preview_path(self, article, revision, language):
        return reverse(
            "admin:articles_article_preview",
            kwargs={"object_id": article.pk, "number": revision.number, "language": language},
        )

    def compare_view(self, request, object_id):
        article = self.viewable_article(request, object_id)
        try:
            numbers = sorted({int(request.GET["old"]), int(request.GET["new"])})
        except (KeyError, ValueError):
            return HttpResponseBadRequest(_("Choose two revisions to compare."))
        found = {r.number: r for r in article.revisions.filter(number__in=numbers)}
        if len(found) != len(numbers):
            raise Http404(_("There is no such revision."))
        old, new = found[numbers[0]], found[numbers[-1]]
        context = self.revision_context(
            request,
            article,
            old=old,
            new=new,
            languages=revisions.compare(old.texts, new.texts),
            title=_("Revision %(old)d → %(new)d") % {"old": old.number, "new": new.number},
        )
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def preview_view(self, request, object_id, number, language):
        article = self.viewable_article(request, object_id)
        if language not in dict(settings.LANGUAGES):
            raise Http404(_("There is no such language."))
        revision = article.revisions.filter(number=number).first()
        if revision is None:
            raise Http404(_("There is no such revision."))
        other_languages = {
            code: self.preview_path(article, revision, code) for code, _name in settings.LANGUAGES
        }
        return render_revision(request, article, revision, language, language_urls=other_languages)

    def restore_view(self, request, object_id, number):
        article = self.viewable_article(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = article.revisions.filter(number=number).first()
        if revision is None:
            raise Http404(_("There is no such revision."))
        new = revisions.restore(article, revision, user=request.user)
        self.log_change(request, article, f"Restored revision {revision.number} as {new.number}")
        self.message_user(
            request,
            _("Revision %(old)d was restored as revision %(new)d.")
            % {"old": revision.number, "new": new.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_revisions", kwargs={"object_id": article.pk})
        )
