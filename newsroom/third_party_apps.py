"""Other projects' apps as the desk names them, in the editor's language: django-axes and
django-tasks-db name their apps in English only ("Axes", "Tasks Database Backend")."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig

# django-tasks-db marks its model's names for translation but ships no Chinese: the catalogue
# in locale/ has them, as these lines keep them in it.
TASK_RESULT_NAMES = (gettext_noop("Task Result"), gettext_noop("Task Results"))


class SignInThrottlingConfig(AxesConfig):
    verbose_name = _("Sign-in throttling")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
