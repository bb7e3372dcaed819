"""`manage.py demo`: idempotent demo data for the whole portal (SPEC §15).

Each app that has demo data contributes a `load()` function; they run in this order, each
in its own transaction, so a later app can rely on what an earlier one made.
"""

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

DEMO_STEPS = (
    "adgang.accounts.demo.load",
    "adgang.authorityinfo.demo.load",
    "adgang.systems.demo.load",
    "adgang.contacts.demo.load",
    # Exemptions and NemSMS sign-ups before the traffic, so routing honours them.
    "adgang.exemptions.demo.load",
    "adgang.nemsms.demo.load",
    "adgang.messaging.demo.load",
    "adgang.readaccess.demo.load",
    "adgang.movepost.demo.load",
    "adgang.statistics.demo.load",
)


class Command(BaseCommand):
    help = "Create or update the demo organisations, people and data (idempotent)."

    def handle(self, *args, **options):
        for step in DEMO_STEPS:
            result = import_string(step)()
            summary = ", ".join(f"{key}: {value}" for key, value in (result or {}).items())
            self.stdout.write(f"{step}: {summary or 'ok'}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /login/."))
