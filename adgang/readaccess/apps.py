from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadAccessConfig(AppConfig):
    name = "adgang.readaccess"
    label = "readaccess"
    verbose_name = _("Adgang")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.readaccess.tasks import read_accesses_expire_task

        # The core never honours an expired access (ReadAccess.is_active_at); the job records
        # the end ("Adgang udløbet") in the log soon after midnight.
        register_periodic(
            "readaccess.expire", read_accesses_expire_task, every=timedelta(minutes=5)
        )
