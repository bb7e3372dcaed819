"""The receipt of "Opret adgang" (guide §10.3 step 5): page and PDF show the same facts.

Receipts cannot be regenerated later (SPEC §6/§8): the view keeps `receipt_data()` once in the
session (`adgang.documents.kept_once`); the page and the PDF are built from that dict only.
CPR numbers are masked as on the guide's receipt.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render
from adgang.readaccess.models import AccessType, HolderIdType, ReadAccess
from adgang.registers.validation import mask_cpr


def receipt_data(access: ReadAccess, acting) -> dict:
    """What the receipt says, as JSON-able data (kept once in the session)."""
    holder_id = (
        f"CPR: {mask_cpr(access.holder_id)}"
        if access.holder_id_type == HolderIdType.CPR
        else f"CVR: {access.holder_id}"
    )
    return {
        "created": f"{timezone.localtime(access.created_at):%d/%m/%Y %H:%M}",
        "giver_name": access.giver_name,
        "giver_id": f"CPR: {mask_cpr(access.giver.cpr)}",
        "holder_name": access.holder_name,
        "holder_id": holder_id,
        "employee_name": access.employee_name,
        "access_type": access.access_type,
        "access_type_label": str(access.get_access_type_display()),
        "exemption_lifted": access.exemption_lifted,
        "exemption_kept": access.exemption_kept,
        "history_until": (
            f"{access.history_until:%d.%m.%Y}" if access.history_until is not None else ""
        ),
        "expires": f"{access.expires_on:%d.%m.%Y}" if access.expires_on else "",
        "organisation": acting.organisation.name,
    }


def success_text(data: dict) -> str:
    if data["expires"]:
        duration = _("Adgangen gælder til og med %(date)s.") % {"date": data["expires"]}
    else:
        duration = _(
            "Adgangen er tidsubegrænset, hvilket betyder, at den er aktiv, indtil enten "
            "adgangsgiver eller adgangshaver trækker den tilbage."
        )
    return " ".join(
        [
            _("%(type)s er oprettet og træder i kraft med det samme.")
            % {"type": data["access_type_label"]},
            duration,
            _("Adgangsgiver og adgangshaver modtager Digital Post om, at adgangen er oprettet."),
        ]
    )


def kept_exemption_text(data: dict) -> str:
    return _(
        "Borgerens fritagelse for Digital Post er bevaret. Adgangen giver derfor kun adgang "
        "til post modtaget før fritagelsen trådte i kraft (%(date)s) samt obligatorisk post."
    ) % {"date": data["history_until"]}


def explanations(data: dict) -> list[tuple[str, list[str]]]:
    """ "Hvad betyder adgangen?" and, when lifted, what lifting the exemption means."""
    if data["access_type"] == AccessType.READ_WRITE:
        first = _(
            "Med en læse- og skriveadgang er det muligt for adgangshaver at læse, skrive, "
            "besvare, videresende og flytte meddelelser i din Digital Post."
        )
    else:
        first = _(
            "Med en læseadgang er det muligt for adgangshaver at læse meddelelserne i din "
            "Digital Post, men ikke at sende eller besvare dem."
        )
    meaning = [
        first,
        _(
            "En adgang er ikke en fuldmagt. Skal adgangshaver kunne handle på dine vegne over "
            "for det offentlige, kræver det som udgangspunkt en fuldmagt."
        ),
        _(
            "Du har fortsat selv ansvaret for, at den post, du får, bliver læst, også når "
            "andre har adgang til den."
        ),
        _(
            "Adgangsgiver og adgangshaver kan altid få adgangen slettet, enten hos kommunen "
            "eller selv i Digital Post."
        ),
    ]
    sections = [(_("Hvad betyder adgangen?"), meaning)]
    if data["exemption_lifted"]:
        sections.append(
            (
                _("Hvad betyder det, at din fritagelse er ophævet ved oprettelse af adgangen?"),
                [
                    _(
                        "Du er nu tilmeldt Digital Post og får post fra offentlige myndigheder "
                        "digitalt."
                    ),
                    _(
                        "Du har ansvaret for at læse din post og skal derfor skaffe dig adgang "
                        "til Digital Post, fx med MitID."
                    ),
                ],
            )
        )
    return sections


def receipt_rows(data: dict) -> list[tuple[str, str]]:
    holder = [data["holder_name"], data["holder_id"]]
    if data["employee_name"]:
        holder.append(_("Tiltænkt medarbejder: %(name)s") % {"name": data["employee_name"]})
    return [
        (_("Adgang oprettet"), data["created"]),
        (_("Digital Post-ejer (adgangsgiver)"), f"{data['giver_name']}\n{data['giver_id']}"),
        (_("Adgang tildelt (adgangshaver)"), "\n".join(holder)),
        (_("Adgangstype"), data["access_type_label"]),
        (_("Ophævelse af fritagelse"), _("Ja") if data["exemption_lifted"] else _("Nej")),
        (_("Udløbsdato"), data["expires"] or _("Tidsubegrænset")),
        (_("Oprettelsen er foretaget af"), data["organisation"]),
    ]


def receipt_pdf(data: dict) -> bytes:
    notices = [PdfNotice("success", _("Adgang oprettet"), success_text(data))]
    if data["exemption_kept"]:
        notices.append(PdfNotice("warning", _("Fritagelsen er bevaret"), kept_exemption_text(data)))
    sections = [PdfSection(_("Kvittering"), receipt_rows(data))] + [
        PdfSection(heading, [("•", line) for line in lines])
        for heading, lines in explanations(data)
    ]
    return pdf_render(
        title=_("Kvittering – adgang oprettet"),
        intro=_("Kvittering for oprettelse af adgang til en borgers Digital Post."),
        notices=notices,
        sections=sections,
    )
