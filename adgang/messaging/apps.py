from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "adgang.messaging"
    label = "messaging"
    verbose_name = _("Digital Post")

    def ready(self) -> None:
        from adgang.core.scheduler import register_periodic
        from adgang.messaging.tasks import (
            EVERY,
            deliveries_task,
            receipts_push_task,
            release_task,
        )

        # SPEC §3: the first retry is due 15 minutes after a failed attempt, and a message
        # should reach a live receiver within seconds; every 15 s keeps both true.
        register_periodic("messaging.deliveries", deliveries_task, every=EVERY)
        register_periodic("messaging.release", release_task, every=EVERY)
        register_periodic("messaging.receipts_push", receipts_push_task, every=EVERY)
