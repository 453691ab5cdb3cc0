"""People at the desk: an administrator gives a person their role (Writers, Editors,
Administrators, see articles.workflow) and, for an editor, the sections they edit, on the
person's own page."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import F
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.models import Section
from articles.workflow import ADMINISTRATORS, EDITORS, WRITERS

# Each role's group, its name for a person, and what it may do.
ROLES = {
    WRITERS: (_("Writer"), _("writes and submits their own articles")),
    EDITORS: (_("Editor"), _("edits, publishes and unpublishes in their sections")),
    ADMINISTRATORS: (_("Administrator"), _("everything, sections and people included")),
}


class RoleFields(forms.ModelForm):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("None: cannot use the desk")),
            *((group, format_lazy("{}: {}", *role)) for group, role in ROLES.items()),
        ],
        widget=forms.RadioSelect,
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("Sections they edit"),
        queryset=Section.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Editors only: the sections whose articles they edit and publish."),
        show_hidden_initial=True,  # what the page showed: only the differences are saved
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = self.instance.groups.filter(name__in=ROLES).values_list("name", flat=True)
            self.fields["role"].initial = next(iter(names), "")
            self.fields["sections"].initial = self.instance.edited_sections.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sections") and cleaned.get("role") != EDITORS:
            self.add_error("sections", _("Only editors edit sections: choose the Editor role."))
        return cleaned

    def save_role(self, user: User) -> None:
        role = self.cleaned_data.get("role")
        user.groups.remove(*Group.objects.filter(name__in=ROLES))
        if role:
            user.groups.add(Group.objects.get(name=role))
            if not user.is_staff:
                user.is_staff = True  # a role is a desk account
                user.save(update_fields=["is_staff"])
        # Only what this form changed: an assignment made meanwhile on the section's own page
        # stays, and that page, if open, is told the section changed (its version moves).
        chosen = set(self.cleaned_data.get("sections") or [])
        shown_ids = self.data.getlist(self.add_initial_prefix("sections"))
        shown = set(Section.objects.filter(pk__in=[i for i in shown_ids if i.isdigit()]))
        user.edited_sections.add(*(chosen - shown))
        user.edited_sections.remove(*(shown - chosen))
        moved = [section.pk for section in chosen ^ shown]
        Section.objects.filter(pk__in=moved).update(version=F("version") + 1)


class PersonChangeForm(RoleFields, UserChangeForm):
    pass


class PersonCreationForm(RoleFields, AdminUserCreationForm):
    pass


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(group, name) for group, (name, _what) in ROLES.items()]

    def queryset(self, request, queryset):
        if self.value() in ROLES:
            return queryset.filter(groups__name=self.value())
        return queryset


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("At the desk"), {"fields": ("role", "sections")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Account"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        (_("At the desk"), {"fields": ("role", "sections")}),
    )
    readonly_fields = ("last_login", "date_joined")  # records, not choices
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = (RoleFilter, "is_active", "is_superuser")

    @admin.display(description=_("Role"))
    def role(self, user: User) -> str:
        names = [group.name for group in user.groups.all() if group.name in ROLES]
        return ", ".join(str(ROLES[name][0]) for name in names) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # An administrator manages people; only a superuser makes or changes a superuser (else an
    # administrator could make themselves one, or take over one's account by its password).

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "is_superuser"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_role(form.instance)
