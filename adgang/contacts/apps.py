from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "adgang.contacts"
    label = "contacts"
    verbose_name = _("Kontaktstruktur")

    def ready(self) -> None:
        from adgang.contacts.tasks import group_deletions_recover_task, import_batches_prune
        from adgang.core.scheduler import register_periodic

        # Uploaded workbooks nobody applied are removed (they hold a whole structure).
        register_periodic(
            "contacts.import_batches_prune", import_batches_prune, every=timedelta(hours=1)
        )
        # A deletion whose worker died is settled, so its progress page does not wait forever.
        register_periodic(
            "contacts.group_deletions_recover",
            group_deletions_recover_task,
            every=timedelta(minutes=10),
        )
