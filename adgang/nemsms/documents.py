"""The NemSMS receipt (guide §9.3 step 4): the page, its print view and its PDF say the same.

`receipt_data` is computed once, right after the change, and kept in the session
(`adgang.documents.kept_once`): a receipt cannot be regenerated later.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render
from adgang.nemsms.phone import phone_display

SIGNUP, CHANGE, CANCEL = "signup", "change", "cancel"

HEADINGS = {
    SIGNUP: _("Tilmelding gennemført"),
    CHANGE: _("Skift af telefonnummer gennemført"),
    CANCEL: _("Framelding gennemført"),
}
NOTICES = {
    SIGNUP: _(
        "Tilmeldingen er gennemført. Vær opmærksom på, at tilmeldingen dog først er fuldført, "
        "når telefonnummeret er bekræftet via det link, som er sendt til telefonnummeret."
    ),
    CHANGE: _(
        "Det nye telefonnummer er registreret. Det bruges først, når det er bekræftet via det "
        "link, som er sendt til det nye nummer. Indtil da sendes servicebeskeder som hidtil."
    ),
    CANCEL: _("Frameldingen er gennemført. Der sendes ikke længere servicebeskeder via NemSMS."),
}
INTROS = {
    SIGNUP: _("Tilmelding af servicebeskeder (NemSMS) fra det offentlige er gennemført for:"),
    CHANGE: _(
        "Skift af telefonnummer til servicebeskeder (NemSMS) fra det offentlige er gennemført for:"
    ),
    CANCEL: _("Framelding af servicebeskeder (NemSMS) fra det offentlige er gennemført for:"),
}
FILENAMES = {
    SIGNUP: _("NemSMS tilmelding"),
    CHANGE: _("NemSMS skift af telefonnummer"),
    CANCEL: _("NemSMS framelding"),
}
EXPLANATION_HEADING = _("Hvad betyder NemSMS?")
EXPLANATION = (
    _(
        "NemSMS er en offentlig sms-løsning, hvor du kan modtage servicebeskeder pr. sms fra "
        "offentlige myndigheder. Det kan fx være om udbetaling af dine feriepenge eller en "
        "påmindelse om din aftale på hospitalet."
    ),
    _(
        "Du kan til enhver tid til- og framelde dig NemSMS. Det kan du gøre enten ved at logge "
        "på Digital Post eller ved at kontakte din kommune."
    ),
)


def receipt_data(audience, chosen, action: str, change) -> dict:
    """What the receipt says, as JSON-able data (full CPR/CVR: the receipt is the citizen's)."""
    number_label = gettext("CPR-nummer") if audience.id_type == "CPR" else gettext("CVR-nummer")
    rows = [
        (number_label, audience.display_number(chosen.number, masked=False)),
        (gettext("Dato"), timezone.localtime(change.at).strftime("%d/%m/%Y, %H:%M")),
    ]
    if action == CHANGE:
        rows.append((gettext("Tidligere telefonnummer"), phone_display(change.before)))
        rows.append((gettext("Nyt telefonnummer"), phone_display(change.phone)))
    else:
        rows.append((gettext("Telefonnummer"), phone_display(change.phone)))
    return {
        "action": action,
        "heading": str(HEADINGS[action]),
        "notice": str(NOTICES[action]),
        "intro": str(INTROS[action]),
        "name": chosen.name,
        "rows": rows,
        "filename": f"{FILENAMES[action]} {timezone.localtime(change.at):%Y-%m-%d}",
    }


def receipt_pdf(audience, data: dict) -> bytes:
    explanation = [*(str(text) for text in EXPLANATION), str(audience.read_more)]
    return pdf_render(
        title=gettext("Kvittering – %(heading)s") % {"heading": data["heading"]},
        notices=[PdfNotice("success", data["heading"], data["notice"])],
        intro=data["intro"],
        sections=[
            PdfSection(data["name"], [tuple(row) for row in data["rows"]]),
            PdfSection(str(EXPLANATION_HEADING), [("•", text) for text in explanation]),
        ],
    )
