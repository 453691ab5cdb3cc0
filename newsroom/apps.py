from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from .page_store import release

        # Worked out now, from the files this process was started with (with gunicorn's
        # preload, before the workers are forked), not at some later first request.
        release()
