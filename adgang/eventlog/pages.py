"""What each of the three log pages is: its form, access, texts and table columns (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from adgang.accounts.access import Access
from adgang.eventlog.forms import ActionSearchForm, MessageSearchForm, SearchSearchForm
from adgang.eventlog.models import LogKind
from adgang.ui.navigation import EVENT_LOGS_BY_KEY


@dataclass(frozen=True)
class LogPage:
    kind: str
    form_class: type
    intro: str
    # (sort key or "", label) per table column, in the guide's order.
    columns: tuple[tuple[str, str], ...]
    csv_name: str

    @property
    def log(self):
        return EVENT_LOGS_BY_KEY[self.kind]

    @property
    def access(self) -> Access:
        return self.log.access

    @property
    def title(self) -> str:
        return self.log.label


PAGES = {
    LogKind.MESSAGES: LogPage(
        LogKind.MESSAGES,
        MessageSearchForm,
        _(
            "Søg på hændelser for afsendte og modtagne meddelelser. Hvis der ikke angives en "
            "tidsperiode, viser søgningen de seneste tre måneder. Download giver alle felter, "
            "også ContentResponsibleID og RepresentativeID."
        ),
        (
            ("titel", _("Titel")),
            ("", _("Type")),
            ("", _("Afsender")),
            ("", _("Modtager")),
            ("", _("Retning")),
            ("tidspunkt", _("Tidspunkt")),
            ("", _("Hændelse")),
        ),
        "log-meddelelser",
    ),
    LogKind.ACTIONS: LogPage(
        LogKind.ACTIONS,
        ActionSearchForm,
        _(
            "Søg på handlinger foretaget af din organisations medarbejdere og se "
            "systemhandlinger foretaget automatisk af Digital Post. Hvis der ikke angives en "
            "tidsperiode, viser søgningen de seneste tre måneder."
        ),
        (
            ("emne", _("Emne")),
            ("", _("CPR/CVR")),
            ("", _("ID")),
            ("", _("Aktør")),
            ("tidspunkt", _("Tidspunkt")),
            ("", _("Hændelse")),
        ),
        "log-handlinger",
    ),
    LogKind.SEARCHES: LogPage(
        LogKind.SEARCHES,
        SearchSearchForm,
        _(
            "Søg på hvilke opslag og søgninger på følsomme data din organisations medarbejdere "
            "har foretaget. Hvis der vælges en periode, der går længere tilbage end tre "
            "måneder, skal resultaterne downloades for at være tilgængelige."
        ),
        (
            ("", _("Søgedata")),
            ("", _("Aktør (RID)")),
            ("register", _("Register")),
            ("", _("Antal resultater")),
            ("tidspunkt", _("Tidspunkt")),
        ),
        "log-soegninger",
    ),
}
