from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MovePostConfig(AppConfig):
    name = "adgang.movepost"
    label = "movepost"
    verbose_name = _("Flyt post")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.movepost.tasks import post_moves_recover_task

        # A move resumes by itself after a worker crash (SPEC §12).
        every = getattr(settings, "ADGANG_MOVEPOST_RECOVER_SECONDS", 60)
        register_periodic(
            "movepost.recover", post_moves_recover_task, every=timedelta(seconds=every)
        )
