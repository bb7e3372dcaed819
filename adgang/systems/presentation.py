"""A system's settings as grouped rows, the one source for every place that shows them.

The wizard's "Opsummering", the details page, the receipt and both PDFs all render these
groups (guide §5.3 step 7, §5.7), so a field is labelled and formatted the same everywhere.
Each row names the wizard step / edit group its "Redigér" link opens.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from adgang.systems.models import MailSystem, Protocol
from adgang.systems.rules import requirements, types_of
from adgang.systems.validation import ssh_key_fingerprint

SYSTEM, CONNECTION, ACTIVATION, CONTACT = "system", "tilslutning", "aktivering", "kontakt"
GROUPS = (SYSTEM, CONNECTION, ACTIVATION, CONTACT)


@dataclass(frozen=True)
class Row:
    label: str
    values: list[str]  # one line each; several for IP lists and contact information
    group: str = ""  # the edit group / wizard step of its "Redigér"; "" when never editable
    key: str = ""  # stable id for templates and tests

    @property
    def text(self) -> str:
        return ", ".join(self.values)


@dataclass(frozen=True)
class Group:
    key: str
    heading: str
    rows: list[Row] = field(default_factory=list)


def format_moment(value: datetime | None) -> str:
    """ "22/06/2024, 23:59 CEST" as the guide shows activation times; "Ikke valgt" if None."""
    if value is None:
        return _("Ikke valgt")
    local = timezone.localtime(value)
    return f"{local:%d/%m/%Y, %H:%M} {local.tzname()}"


def type_text(system: MailSystem) -> str:
    parts = []
    if system.is_sender:
        parts.append(_("Afsendersystem"))
    if system.is_receiver:
        parts.append(_("Modtagersystem"))
    return ", ".join(parts)


def system_groups(
    system: MailSystem, *, api_key: str | None = None, activation: str = ""
) -> list[Group]:
    """The four groups of SPEC §3 for a saved system, or an unsaved preview from the wizard.

    `api_key` is shown where given (receipt); otherwise the API-key row explains where it is.
    `activation` is the wizard's choice ("now", "at", "never") for a preview.
    """
    saved = not system._state.adding
    not_chosen = _("Ikke valgt")
    needs = requirements(
        types_of(is_sender=system.is_sender, is_receiver=system.is_receiver), system.protocol
    )
    template = system.template if system.template_id else None

    system_rows = [
        Row(_("Navn"), [system.name], SYSTEM, "name"),
        Row(_("Systemleverandør"), [system.supplier_name or "–"], SYSTEM, "supplier_name"),
        Row(_("Systemet opsættes som"), [type_text(system)], SYSTEM, "types"),
        Row(
            _("Standard leverandørsystem"),
            [template.name if template else not_chosen],
            SYSTEM,
            "template",
        ),
        Row(
            _("ID"),
            [str(system.pk) if saved else _("ID tildeles, når systemet er oprettet")],
            key="id",
        ),
        Row(_("CVR"), [system.organisation.cvr], key="cvr"),
    ]
    connection_rows = [
        Row(_("Protokol"), [system.protocol], CONNECTION, "protocol"),
        Row(_("IP-adresse"), system.ip_list, CONNECTION, "ips"),
    ]
    if needs is None or needs.endpoint:
        connection_rows.append(
            Row(_("End point"), [system.endpoint or not_chosen], CONNECTION, "endpoint")
        )
    if needs is None or needs.receipt_endpoint:
        connection_rows.append(
            Row(
                _("Kvitterings-end point"),
                [system.receipt_endpoint or not_chosen],
                CONNECTION,
                "receipt_endpoint",
            )
        )
    if system.protocol == Protocol.SFTP:
        connection_rows.append(
            Row(
                _("Offentlig SSH-nøgle"),
                [ssh_key_fingerprint(system.ssh_public_key) or not_chosen],
                CONNECTION,
                "ssh_public_key",
            )
        )
        if saved:
            connection_rows.append(Row(_("SFTP-brugernavn"), [system.ssh_username], key="ssh_user"))
    if needs is None or needs.delegation:
        connection_rows.append(
            Row(
                _("Systemfuldmagt"),
                [system.delegated_cvr or not_chosen],
                CONNECTION,
                "delegated_cvr",
            )
        )
    if needs is not None and needs.move_post_from_virk:
        connection_rows.append(
            Row(
                _("Flyt eksisterende post fra Virk"),
                [_("Ja") if system.move_post_from_virk else not_chosen],
                CONNECTION,
                "move_post_from_virk",
            )
        )
    if api_key:
        key_text = api_key
    elif saved:
        key_text = _("Vises kun én gang, på kvitteringen. Brug »Forny API-key« for at få en ny.")
    else:
        key_text = _("API-key tildeles, når systemet er oprettet")
    connection_rows.append(Row(_("API-key"), [key_text], key="api_key"))

    activation_rows = [
        Row(
            _("Systemet aktiveres fra"),
            [_activation_text(system, activation)],
            ACTIVATION,
            "active_from",
        ),
        Row(
            _("Systemet deaktiveres fra"),
            [format_moment(system.active_to)],
            ACTIVATION,
            "active_to",
        ),
    ]
    contact_rows = [
        Row(
            _("Kontaktinformation"),
            [system.contact_name, system.contact_email, system.contact_phone],
            CONTACT,
            "contact",
        ),
        Row(_("Ekstra e-mailadresse"), [system.extra_email or "–"], CONTACT, "extra_email"),
    ]
    return [
        Group(SYSTEM, _("System"), system_rows),
        Group(CONNECTION, _("Tilslutning"), connection_rows),
        Group(ACTIVATION, _("Aktivering"), activation_rows),
        Group(CONTACT, _("Kontakt"), contact_rows),
    ]


def _activation_text(system: MailSystem, activation: str) -> str:
    if activation == "now":
        return _("Straks, når du trykker »Tilslut«")
    if activation == "never" or (system.active_from is None and system._state.adding):
        return _("Aktiveres ikke")
    if system.active_from is None:
        return _("Ikke aktiveret")
    return format_moment(system.active_from)
