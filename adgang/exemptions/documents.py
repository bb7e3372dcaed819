"""Receipts of Fritagelse (guide §8.3–8.6): what the page shows and the PDF says.

`receipt_data()` builds the JSON-able content once, right after the change (it is kept in the
session with `kept_once` and cannot be regenerated later); `receipt_pdf()` renders it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render
from adgang.exemptions.models import Exemption, ExemptionIdType, Forwarding
from adgang.exemptions.services import address_text, format_date
from adgang.registers.validation import format_cpr

EXEMPT = "exempt"
LIFT = "lift"
RENEW = "renew"

RECEIPT_KIND = "exemption"


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nej")


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")


def _forwarding_rows(exemption: Exemption) -> list[tuple[str, str]]:
    if exemption.forwarding == Forwarding.DECLINED or not exemption.forward_unopened_post:
        return [(_("Eftersendelse af uåbnet post"), _("Nej"))]
    if exemption.forwarding == Forwarding.ALTERNATIVE:
        where = _("Alternativ adresse")
    elif exemption.id_type == ExemptionIdType.CPR:
        where = _("Folkeregisteradresse")
    else:
        where = _("Hjemstedsadresse")
    return [
        (_("Eftersendelse af uåbnet post"), _("Ja")),
        (_("Adresse"), f"{where}: {address_text(exemption.forward_address)}"),
    ]


def _legal(action: str, is_citizen: bool) -> list[tuple[str, str]]:
    """(heading, text) paragraphs of the receipt, in our own words."""
    if action == LIFT:
        return [
            (
                _("Fritagelsen er ophævet"),
                _(
                    "Fritagelsen fra Digital Post er ophævet. Det betyder, at modtageren igen er "
                    "omfattet af loven om Digital Post fra offentlige afsendere og fremover får "
                    "sin post fra offentlige myndigheder digitalt."
                ),
            ),
            (
                _("Ansvar for at læse Digital Post"),
                _(
                    "Modtageren har selv ansvaret for at holde øje med sin digitale postkasse, "
                    "fordi vigtige beskeder og frister fra myndighederne kommer her."
                ),
            ),
        ]
    if is_citizen:
        return [
            (
                _("Du er fritaget for Digital Post"),
                _(
                    "Efter loven om Digital Post fra offentlige afsendere er du fritaget for at "
                    "modtage Digital Post fra offentlige myndigheder. Du får fremover din post "
                    "fra myndighederne på papir."
                ),
            ),
            (
                _("Post der stadig kommer digitalt"),
                _(
                    "Fritagelsen gælder ikke post, som en myndighed efter anden lovgivning skal "
                    "sende digitalt (obligatorisk post), og heller ikke post fra private "
                    "virksomheder."
                ),
            ),
            (
                _("Varighed"),
                _(
                    "Fritagelsen gælder, indtil den ophæves. Er du fritaget, fordi du er rejst "
                    "ud af Danmark, bliver du automatisk tilmeldt Digital Post igen, når du "
                    "får fast adresse i Danmark. Du kan til enhver tid tilmelde dig igen."
                ),
            ),
        ]
    return [
        (
            _("Virksomheden er fritaget for Digital Post"),
            _(
                "Efter loven om Digital Post fra offentlige afsendere er virksomheden fritaget "
                "for at modtage Digital Post fra offentlige myndigheder og får fremover sin "
                "post fra det offentlige på papir."
            ),
        ),
        (
            _("Post der stadig kommer digitalt"),
            _(
                "Fritagelsen omfatter ikke post, som efter anden lovgivning skal sendes "
                "digitalt (obligatorisk post)."
            ),
        ),
        (
            _("Varighed"),
            _(
                "Fritagelsen udløber den 1. november i det andet kalenderår efter "
                "registreringen, medmindre den fornyes. Virksomheden kan altid tilmelde sig "
                "Digital Post igen."
            ),
        ),
    ]


def receipt_data(*, action: str, exemption: Exemption, organisation, by_proxy: bool) -> dict:
    """Everything the receipt page and its PDF show (JSON-able, kept once in the session)."""
    is_citizen = exemption.id_type == ExemptionIdType.CPR
    if action == EXEMPT:
        title = _("Kvittering for fritagelse fra Digital Post")
        heading = _("Fritagelse gennemført")
        moment = exemption.created_at
        effective_label = _("Virkning fra")
        proxy_label = _("Fritagelse via fuldmagt")
    elif action == RENEW:
        title = _("Kvittering for fornyelse af fritagelse fra Digital Post")
        heading = _("Fornyelse gennemført")
        moment = exemption.renewed_at
        effective_label = _("Virkning fra")
        proxy_label = _("Fornyelse via fuldmagt")
    else:
        title = _("Kvittering for ophævelse af fritagelse fra Digital Post")
        heading = _("Ophævelse gennemført")
        moment = exemption.lifted_at
        effective_label = _("Ophævelse har virkning fra")
        proxy_label = _("Ophævelse af fritagelse via fuldmagt")
    if is_citizen:
        rows = [(_("Navn"), exemption.name), (_("CPR-nummer"), format_cpr(exemption.number))]
    else:
        rows = [(_("Virksomhed"), exemption.name), (_("CVR-nummer"), exemption.number)]
    rows.append((proxy_label, _yes_no(by_proxy)))
    if action == EXEMPT:
        if is_citizen:
            rows.append((_("Fritagelsesårsag"), exemption.get_reason_display()))
        rows.extend(_forwarding_rows(exemption))
    if not is_citizen and action in (EXEMPT, RENEW):
        rows.append((_("Fritaget indtil"), format_date(exemption.expires_on)))
    effective = _moment(moment)
    if action == RENEW:
        effective = format_date(timezone.localtime(moment).date())
    return {
        "action": action,
        "id_type": exemption.id_type,
        "title": title,
        "heading": heading,
        "effective": [effective_label, effective],
        "rows": rows,
        "legal": _legal(action, is_citizen),
        "performed_by": f"{organisation.name} (CVR {organisation.cvr})",
    }


def receipt_pdf(data: dict) -> bytes:
    sections = [
        PdfSection(
            heading=_("Gældende for"),
            rows=[tuple(data["effective"]), *(tuple(row) for row in data["rows"])],
        ),
        PdfSection(heading=_("Udført af"), rows=[(_("Foretaget af"), data["performed_by"])]),
    ]
    notices = [
        PdfNotice(level="success", title=data["heading"]),
        *(PdfNotice(level="info", title=heading, text=text) for heading, text in data["legal"]),
    ]
    return pdf_render(title=data["title"], notices=notices, sections=sections)
