"""The receipt of Flyt post (guide §15.3 step 5) as rows and as a PDF."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from adgang.documents.pdf import PdfNotice, PdfSection, danish_time, pdf_render


def receipt_rows(data: dict) -> list[tuple[str, str]]:
    started = datetime.fromisoformat(data["started"])
    return [
        (_("Flytning af post igangsat"), danish_time(started)),
        (_("Post, som skal flyttes"), data["post"]),
        (_("Posten flyttes til"), data["destination"]),
        (_("Flytningens ID"), data["move"]),
    ]


def receipt_pdf(data: dict) -> bytes:
    return pdf_render(
        title=_("Kvittering for flytning af post"),
        notices=[
            PdfNotice(
                "info",
                _("Flytning igangsat"),
                _(
                    "Den valgte post vil nu blive flyttet til den valgte destination. Posten "
                    "vil i den forbindelse blive slettet på Virk, e-Boks og mit.dk. Flytningen "
                    "kan ikke fortrydes. Den registreres som en handling i log for medarbejder- "
                    "og systemhandlinger og på meddelelsesniveau i log for meddelelser."
                ),
            )
        ],
        sections=[PdfSection(_("Flytning af post"), receipt_rows(data))],
    )
