from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExemptionsConfig(AppConfig):
    name = "adgang.exemptions"
    label = "exemptions"
    verbose_name = _("Fritagelse")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.exemptions.tasks import exemptions_apply_schedule_task

        # Company exemptions expire, and emigrated citizens who return are enrolled again,
        # by themselves (SPEC §6); the selectors also honour the expiry date on their own.
        register_periodic(
            "exemptions.apply_schedule",
            exemptions_apply_schedule_task,
            every=timedelta(minutes=5),
        )
