"""A system's settings as document content: PDF sections and overview rows (SPEC §3, §14).

The details page's "Download" and the wizard's receipt PDF both print `system_pdf_sections()`,
built from the same grouped rows the pages show (`presentation.system_groups`), so a PDF never
lists a field differently from the screen. "Download systemoversigt" writes
`systems_xlsx_rows()`: one row per system with every setting that is not secret — never the
API key's hash or lookup prefix.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.core.clock import now as clock_now
from adgang.documents.pdf import PdfSection
from adgang.systems.models import MailSystem, SystemState
from adgang.systems.presentation import format_moment, system_groups
from adgang.systems.validation import ssh_key_fingerprint


@dataclass(frozen=True)
class StatusRow:
    """One line of the details page's "Status" group (not a setting, so not in the summary)."""

    label: str
    value: str
    key: str


def system_state_label(system: MailSystem, *, now: datetime) -> str:
    """The state the system has now (its window decides, not the last recorded state)."""
    return str(SystemState(system.state_at(now)).label)


def system_status_rows(system: MailSystem, *, now: datetime) -> list[StatusRow]:
    """Status, Primærsystem, Sidst brugt and API-key udstedt (details page, guide §5.7)."""
    return [
        StatusRow(_("Status"), system_state_label(system, now=now), "state"),
        StatusRow(_("Primærsystem"), _("Ja") if system.is_primary else _("Nej"), "is_primary"),
        StatusRow(
            _("Sidst brugt"),
            format_moment(system.last_used_at) if system.last_used_at else _("Aldrig"),
            "last_used_at",
        ),
        StatusRow(_("API-key udstedt"), format_moment(system.api_key_issued_at), "api_key_issued"),
    ]


def system_pdf_sections(
    system: MailSystem,
    *,
    api_key: str | None = None,
    activation: str = "",
    now: datetime | None = None,
) -> list[PdfSection]:
    """The four groups of a system's settings as PDF sections, plus "Status" when `now` is
    given (the details page's download; a receipt leaves it out and passes its `api_key`)."""
    sections = [
        PdfSection(
            group.heading,
            [(row.label, "\n".join(str(value) for value in row.values)) for row in group.rows],
        )
        for group in system_groups(system, api_key=api_key, activation=activation)
    ]
    if now is not None:
        sections.append(
            PdfSection(
                _("Status"), [(row.label, row.value) for row in system_status_rows(system, now=now)]
            )
        )
    return sections


# The overview download's columns, in order (SPEC §3 "Download systemoversigt").
SYSTEMS_XLSX_HEADERS = (
    gettext_lazy("ID"),
    gettext_lazy("Navn"),
    gettext_lazy("Type"),
    gettext_lazy("Protokol"),
    gettext_lazy("IP-adresser"),
    gettext_lazy("IP-range"),
    gettext_lazy("End point"),
    gettext_lazy("Kvitterings-end point"),
    gettext_lazy("SSH-nøgle (fingeraftryk)"),
    gettext_lazy("SFTP-brugernavn"),
    gettext_lazy("Systemfuldmagt (CVR)"),
    gettext_lazy("Flyt eksisterende post fra Virk"),
    gettext_lazy("Primærsystem"),
    gettext_lazy("Status"),
    gettext_lazy("Systemet aktiveres fra"),
    gettext_lazy("Systemet deaktiveres fra"),
    gettext_lazy("Teknisk kontakt"),
    gettext_lazy("Kontakt e-mail"),
    gettext_lazy("Kontakt telefon"),
    gettext_lazy("Ekstra e-mailadresse"),
    gettext_lazy("Systemleverandør"),
    gettext_lazy("Standard leverandørsystem"),
    gettext_lazy("API-key udstedt"),
    gettext_lazy("Oprettet"),
    gettext_lazy("Sidst brugt"),
)


def systems_xlsx_headers() -> list[str]:
    return [str(header) for header in SYSTEMS_XLSX_HEADERS]


def systems_xlsx_rows(
    systems: Iterable[MailSystem], *, now: datetime | None = None
) -> Iterable[list]:
    """One row per system in the order of `SYSTEMS_XLSX_HEADERS`; Status as of `now`.

    Values are left typed (datetimes, booleans): `xlsx_render` writes them as Danish dates and
    Ja/Nej and neutralises any text a spreadsheet would read as a formula.
    """
    at = now or clock_now()
    for system in systems:
        yield [
            str(system.pk),
            system.name,
            ", ".join(str(label) for label in system.type_labels),
            system.protocol,
            ", ".join(system.allowed_ips),
            system.ip_range,
            system.endpoint,
            system.receipt_endpoint,
            ssh_key_fingerprint(system.ssh_public_key) if system.ssh_public_key else "",
            system.ssh_username,
            system.delegated_cvr,
            system.move_post_from_virk,
            system.is_primary,
            system_state_label(system, now=at),
            system.active_from,
            system.active_to,
            system.contact_name,
            system.contact_email,
            system.contact_phone,
            system.extra_email,
            system.supplier_name,
            system.template.name if system.template_id else "",
            system.api_key_issued_at,
            system.created_at,
            system.last_used_at,
        ]
