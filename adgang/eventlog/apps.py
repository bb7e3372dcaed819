from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventlogConfig(AppConfig):
    name = "adgang.eventlog"
    label = "eventlog"
    verbose_name = _("Hændelseslog")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.eventlog.tasks import saved_searches_prune_task

        # Saved criteria hold CPR numbers: they live only as long as somebody pages through.
        register_periodic(
            "eventlog.saved_searches_prune", saved_searches_prune_task, every=timedelta(hours=1)
        )
