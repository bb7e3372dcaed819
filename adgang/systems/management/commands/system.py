"""`manage.py system add …` and `manage.py system list …` (SPEC §15) for operators and scripts.

`add` builds the wizard's own forms (`SystemStepForm`, `ConnectionForm`, `ActivationForm`,
`ContactForm`) from the arguments and calls `system_spec_from` + `services.system_create`,
so it refuses exactly what the wizard refuses, with the same Danish messages, and saves
nothing then. It prints one line of JSON `{"id": …, "api_key": "Basic …"}`; the API key is
shown this once, as on the wizard's receipt.

Decisions:
- The action log names the actor `Kommandolinje` (like `manage.py testportal` logs
  `Testportal`): the change is an operator's, not a person's of the organisation and not
  the scheduler's (`System`).
- The contact options are required, as the wizard's "Kontakt" step requires them; missing
  ones are refused with the wizard's messages.
- `--activate` is `now` (default), `never`, or an ISO 8601 time; a time without a zone is
  Danish time (Europe/Copenhagen), as in the wizard.
"""

import datetime
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from adgang.accounts.models import Organisation
from adgang.audit.services import Actor
from adgang.core.clock import now as clock_now
from adgang.registers.validation import RegisterInputError, normalise_cvr
from adgang.systems import selectors, services
from adgang.systems.forms import (
    RULE_FIELDS,
    SCRATCH,
    ActivationForm,
    ConnectionForm,
    ContactForm,
    SystemStepForm,
    system_spec_from,
)
from adgang.systems.presentation import format_moment
from adgang.systems.rules import requirements
from adgang.systems.services import Activation
from adgang.systems.validation import MAX_SSH_KEY_LENGTH

ACTOR = Actor("Kommandolinje")
# Form field → the option that fills it, named in every refusal so the operator knows what
# to change.
OPTIONS = {
    "name": "--name",
    "types": "--types",
    "protocol": "--protocol",
    "ips": "--ips",
    "endpoint": "--endpoint",
    "receipt_endpoint": "--receipt-endpoint",
    "ssh_public_key": "--ssh-key-file",
    "activation": "--activate",
    "activate_date": "--activate",
    "activate_time": "--activate",
    "contact_name": "--contact-name",
    "contact_email": "--contact-email",
    "contact_phone": "--contact-phone",
}
STEP_FORMS = {
    "system": SystemStepForm,
    "tilslutning": ConnectionForm,
    "aktivering": ActivationForm,
    "kontakt": ContactForm,
}


def _line(form_class, field: str, message: str) -> str:
    """ "<field label> (<option>): <Danish message>"."""
    label = form_class.base_fields[field].label if field in form_class.base_fields else ""
    option = OPTIONS.get(field, "")
    if not label:
        return message
    return f"{label} ({option}): {message}" if option else f"{label}: {message}"


def _form_errors(form) -> list[str]:
    lines = []
    for field, errors in form.errors.items():
        for message in errors:
            if field == "__all__":
                lines.append(message)
            else:
                lines.append(_line(type(form), field, message))
    return lines


class Command(BaseCommand):
    help = "Connect systems from the command line with the wizard's rules (SPEC §3, §15)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser(
            "add",
            help=(
                "Connect a system for an organisation. Prints one line of JSON "
                '{"id": ..., "api_key": "Basic ..."}; the API key is shown only this once.'
            ),
        )
        # Options other than --cvr are not argparse-required on purpose: a missing one is
        # refused by the wizard's form with its Danish message.
        add.add_argument("--cvr", required=True, help="The organisation's CVR number.")
        add.add_argument("--name", default="", help="The system's name (required).")
        add.add_argument(
            "--types", default="", help="sender, receiver or sender,receiver (required)."
        )
        add.add_argument(
            "--protocol",
            default="",
            help="REST_PUSH, REST_PULL, REST_PUBLISH_SUBSCRIBE or SFTP (required; only the "
            "combinations of SPEC §3's table).",
        )
        add.add_argument(
            "--ips",
            default="",
            help="Up to 32 addresses separated by commas, or one range (CIDR or a-b) (required).",
        )
        add.add_argument("--endpoint", default="", help="https URL, where the protocol needs it.")
        add.add_argument(
            "--receipt-endpoint", default="", help="https URL, where the protocol needs it."
        )
        add.add_argument(
            "--ssh-key-file",
            default=None,
            help="File with the OpenSSH public key (SFTP): ed25519, ecdsa or rsa >= 2048 bit.",
        )
        add.add_argument(
            "--activate",
            default=Activation.NOW,
            help="now (default), never, or an ISO 8601 time; without a time zone it is "
            "Danish time (Europe/Copenhagen).",
        )
        add.add_argument(
            "--contact-name",
            default="",
            help="Technical contact's name (required, as in the wizard).",
        )
        add.add_argument(
            "--contact-email", default="", help="Technical contact's e-mail (required)."
        )
        add.add_argument(
            "--contact-phone", default="", help="Technical contact's phone number (required)."
        )
        listing = sub.add_parser(
            "list", help="The organisation's systems, one line of JSON each (no secrets)."
        )
        listing.add_argument("--cvr", required=True, help="The organisation's CVR number.")

    def handle(self, *args, action, **options):
        with translation.override(settings.LANGUAGE_CODE):
            organisation = self._organisation(options["cvr"])
            if action == "list":
                self._list(organisation)
            else:
                self._add(organisation, options)

    def _organisation(self, cvr: str) -> Organisation:
        try:
            number = normalise_cvr(cvr)
        except RegisterInputError as error:
            raise CommandError(f"CVR (--cvr): {error}") from error
        organisation = Organisation.objects.filter(cvr=number).first()
        if organisation is None:
            raise CommandError(
                "CVR (--cvr): "
                + _(
                    "Der findes ingen organisation med CVR-nummer %(cvr)s. Opret den først, "
                    "fx med manage.py testportal add-user."
                )
                % {"cvr": number}
            )
        return organisation

    def _add(self, organisation: Organisation, options) -> None:
        at = clock_now()
        errors: list[str] = []
        system = SystemStepForm(
            {
                "setup": SCRATCH,
                "name": options["name"],
                "types": [t.strip() for t in options["types"].split(",") if t.strip()],
            },
            organisation=organisation,
        )
        errors += _form_errors(system)
        activation = ActivationForm(self._activation_data(options["activate"]), now=at)
        contact = ContactForm(
            {
                "contact_name": options["contact_name"],
                "contact_email": options["contact_email"],
                "contact_phone": options["contact_phone"],
            }
        )
        connection = None
        if system.is_valid():
            # Like the wizard: the protocols on offer depend on the types chosen first.
            connection = ConnectionForm(
                {
                    "protocol": options["protocol"],
                    "ips": options["ips"],
                    "endpoint": options["endpoint"],
                    "receipt_endpoint": options["receipt_endpoint"],
                    "ssh_public_key": self._ssh_key(options["ssh_key_file"]),
                },
                types=system.cleaned_data["types"],
            )
            errors += _form_errors(connection)
        errors += _form_errors(activation) + _form_errors(contact)
        if errors:
            raise CommandError("\n".join(errors))
        self._warn_unused(options, system.cleaned_data["types"], connection.cleaned_data)
        spec = system_spec_from(
            system=system.cleaned_data,
            connection=connection.cleaned_data,
            activation=activation.cleaned_data,
            contact=contact.cleaned_data,
        )
        try:
            created = services.system_create(
                actor=ACTOR, organisation=organisation, spec=spec, now=at
            )
        except services.SystemRuleError as error:
            step, field = RULE_FIELDS.get(error.field, ("", ""))
            if step:
                raise CommandError(_line(STEP_FORMS[step], field, error.message)) from error
            raise CommandError(error.message) from error
        if "future_activation" in created.warnings:
            self.stderr.write(
                _("Bemærk: Systemet aktiveres først %(when)s.")
                % {"when": format_moment(created.system.active_from)}
            )
        self.stdout.write(json.dumps({"id": str(created.system.pk), "api_key": created.api_key}))

    @staticmethod
    def _activation_data(value: str) -> dict:
        """--activate as the wizard's "Aktivering" step would have received it."""
        text = (value or "").strip()
        if text.lower() in (Activation.NOW, Activation.NEVER):
            return {"activation": text.lower()}
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _line(
                    ActivationForm,
                    "activation",
                    _(
                        "Angiv now, never eller et tidspunkt i ISO 8601-format, fx "
                        "2026-05-01T08:00."
                    ),
                )
            ) from None
        zone = ZoneInfo(settings.TIME_ZONE)
        local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
        return {
            "activation": Activation.AT,
            "activate_date": local.date().isoformat(),
            "activate_time": local.time().replace(microsecond=0).isoformat(),
        }

    @staticmethod
    def _ssh_key(path: str | None) -> str:
        """The key file's text; at most a little more than a key can be (safe file parsing)."""
        if not path:
            return ""
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_SSH_KEY_LENGTH + 1)
        except OSError:
            raise CommandError(
                _line(
                    ConnectionForm,
                    "ssh_public_key",
                    _("Filen »%(path)s« kan ikke læses.") % {"path": path},
                )
            ) from None
        # Binary content must reach the key check as text it cannot read, not as NUL bytes
        # that a text field refuses with a message about characters instead of the key.
        return data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")

    def _warn_unused(self, options, types, connection: dict) -> None:
        needs = requirements(types, connection["protocol"])
        for option, key, needed in (
            ("--endpoint", "endpoint", needs.endpoint),
            ("--receipt-endpoint", "receipt_endpoint", needs.receipt_endpoint),
            ("--ssh-key-file", "ssh_key_file", needs.ssh_key),
        ):
            if options.get(key) and not needed:
                self.stderr.write(
                    _("Bemærk: %(option)s bruges ikke af denne protokol og er ignoreret.")
                    % {"option": option}
                )

    def _list(self, organisation: Organisation) -> None:
        at = clock_now()
        for system in selectors.systems_of(organisation).select_related("template"):
            self.stdout.write(
                json.dumps(
                    {
                        "id": str(system.pk),
                        "name": system.name,
                        "types": [
                            t
                            for t, on in (
                                ("sender", system.is_sender),
                                ("receiver", system.is_receiver),
                            )
                            if on
                        ],
                        "protocol": system.protocol,
                        "state": system.state_at(at),
                        "is_primary": system.is_primary,
                        "active_from": _iso(system.active_from),
                        "active_to": _iso(system.active_to),
                        "ips": system.ip_list,
                        "supplier_name": system.supplier_name,
                        "template": system.template.name if system.template_id else None,
                        "delegated_cvr": system.delegated_cvr,
                    },
                    ensure_ascii=False,
                )
            )


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
