"""Django's own strings that the Chinese desk shows but that Django's catalogue leaves
untranslated (the admin's screen-reader captions, a note on the add-person form). Listed here so
that ``make messages`` gathers them into Newsroom's catalogue, which Django reads first."""

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_DJANGO = (
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Model name"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
)
