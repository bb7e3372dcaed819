"""`manage.py testportal add-user …` (SPEC §15): test organisations and people from scripts.

Prints one line of JSON `{"organisation_id": …, "person_id": …, "rid": …}`; bad arguments
exit non-zero with the same Danish message the test portal shows, and create nothing.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from adgang.accounts import services
from adgang.audit.services import Actor


class Command(BaseCommand):
    help = "Administer the test portal's organisations and people."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-user", help="Create or update an organisation and a person.")
        add.add_argument("--cvr", required=True)
        add.add_argument("--org-name", required=True)
        # No argparse `choices`: the service refuses another kind with the Danish message the
        # test portal shows, instead of argparse's English one.
        add.add_argument("--org-kind", required=True, help="myndighed or virksomhed")
        add.add_argument("--rid", required=True)
        add.add_argument("--name", required=True)
        add.add_argument(
            "--rights", required=True, help="Comma-separated right slugs; empty for none."
        )

    def handle(self, *args, action, **options):
        try:
            user = services.testportal_user_upsert(
                cvr=options["cvr"],
                org_name=options["org_name"],
                org_kind=options["org_kind"],
                rid=options["rid"],
                name=options["name"],
                rights=options["rights"],
                actor=Actor("Testportal"),
            )
        except services.AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(user.as_json()))
