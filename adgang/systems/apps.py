from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemsConfig(AppConfig):
    name = "adgang.systems"
    label = "systems"
    verbose_name = _("Systemtilslutning")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.systems.tasks import systems_apply_schedule_task

        # Activation and deactivation "happen on time by themselves" (SPEC §3); the API
        # itself checks the time window on every call, so this only records the change.
        register_periodic(
            "systems.apply_schedule", systems_apply_schedule_task, every=timedelta(minutes=1)
        )
