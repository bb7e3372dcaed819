"""The portal's tabs and overview cards (SPEC §2), each shown only to those it is for.

One `Section` per tab, in the guide's order. A section's `access` is the same declaration its
page uses, so navigation and the 403 answer can never disagree. Apps that are not built yet
point at `ui:section-<key>`, the section's own page, which says what the section will hold;
an app that arrives sets `url_name` to its own view and includes its URLs at `path`.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from adgang.accounts import rights as r
from adgang.accounts.access import LOGGED_IN, Access
from adgang.accounts.models import OrganisationKind

AUTHORITIES = (OrganisationKind.MYNDIGHED,)
LOG_RIGHTS = (
    r.LOG_MEDDELELSER,
    r.LOG_HANDLINGER,
    r.LOG_SOEGNINGER,
    r.BORGERSERVICE,
    r.ERHVERVSSERVICE,
)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    path: str
    access: Access
    card_link: str = ""
    description: str = ""
    icon: str = ""
    url_name: str = "ui:section"

    @property
    def url(self) -> str:
        name = f"ui:section-{self.key}" if self.url_name == "ui:section" else self.url_name
        return _reverse(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _reverse(name: str, script_prefix: str, urlconf) -> str:
    """A tab's URL, reversed once per process, prefix and URL configuration: every page's
    header shows the tabs (twice: menu and mobile drawer), the overview its cards."""
    return reverse(name, urlconf=urlconf)


@dataclass(frozen=True)
class Tab:
    """One tab of the header as the template shows it, `current` when the page is under it."""

    key: str
    label: str
    url: str
    current: bool


def tabs(acting, path: str) -> list[Tab]:
    """The header's tabs for the current person and page (SPEC §2)."""
    tabs = []
    for section in visible_sections(acting):
        url = section.url
        tabs.append(Tab(section.key, section.label, url, bool(url) and path.startswith(url)))
    return tabs


def _rights(*slugs: str, kinds: tuple[str, ...] = ()) -> Access:
    return Access(login=True, rights=slugs, kinds=kinds)


SECTIONS: tuple[Section, ...] = (
    Section("oversigt", _("Oversigt"), "oversigt/", LOGGED_IN, url_name="ui:overview"),
    Section(
        "systemtilslutning",
        _("Systemtilslutning"),
        "systemtilslutning/",
        _rights(r.SYSTEMADMINISTRATOR),
        _("Administrer og opret systemer"),
        _("Tilslut og administrér jeres afsender- og modtagersystemer."),
        "sync",
        url_name="systems:overview",
    ),
    Section(
        "kontaktstruktur",
        _("Kontaktstruktur"),
        "kontaktstruktur/",
        _rights(r.KONTAKTSTRUKTURADMINISTRATOR, kinds=AUTHORITIES),
        _("Administrér kontaktstruktur"),
        _("Opsæt kontaktgrupper og kontaktpunkter, så posten når frem til rette sted."),
        "groups",
        url_name="contacts:overview",
    ),
    Section(
        "tilbagekald",
        _("Tilbagekald"),
        "tilbagekald/",
        _rights(r.SYSTEMADMINISTRATOR, kinds=AUTHORITIES),
        _("Tilbagekald meddelelser"),
        _("Tilbagekald en meddelelse, der er sendt med valørdato, før den afleveres."),
        "reply",
        url_name="recall:search",
    ),
    Section(
        "haendelseslog",
        _("Hændelseslog"),
        "haendelseslog/",
        _rights(*LOG_RIGHTS),
        _("Søg i hændelsesloggen"),
        _("Søg i hændelser for meddelelser, handlinger og søgninger."),
        "calendar-month",
        url_name="eventlog:landing",
    ),
    Section(
        "flyt-post",
        _("Flyt post"),
        "flyt-post/",
        _rights(r.SYSTEMADMINISTRATOR, kinds=AUTHORITIES),
        _("Flyt post fra Virk, e-Boks og mit.dk"),
        _("Flyt post, der ligger på platformene, til et aktivt kontaktpunkt."),
        "forward",
        url_name="movepost:overview",
    ),
    Section(
        "statistik",
        _("Statistik"),
        "statistik/",
        _rights(r.STATISTIKADMINISTRATOR),
        _("Se tal og statistik om Digital Post"),
        _("Bestil standardrapporter og brugerdefinerede rapporter."),
        "analytics",
        url_name="statistics:overview",
    ),
    Section(
        "myndighedsinformation",
        _("Myndighedsinformation"),
        "myndighedsinformation/",
        _rights(r.SYSTEMADMINISTRATOR, r.KONTAKTSTRUKTURADMINISTRATOR, kinds=AUTHORITIES),
        _("Administrér myndighedsinformation"),
        _("Link til privatlivspolitik og logo på jeres udgående post."),
        "info",
        url_name="authorityinfo:page",
    ),
    Section(
        "fritag-borger",
        _("Fritag borger"),
        "fritagelse/borger/",
        _rights(r.BORGERSERVICE, kinds=AUTHORITIES),
        _("Administrér borgeres fritagelse"),
        _("Fritag en borger for Digital Post, eller ophæv en fritagelse."),
        "person-remove",
        url_name="exemptions:citizen",
    ),
    Section(
        "fritag-virksomhed",
        _("Fritag virksomhed"),
        "fritagelse/virksomhed/",
        _rights(r.BORGERSERVICE, r.ERHVERVSSERVICE, kinds=AUTHORITIES),
        _("Administrér virksomheders fritagelse"),
        _("Fritag en virksomhed for Digital Post, forny eller ophæv en fritagelse."),
        "business",
        url_name="exemptions:company",
    ),
    Section(
        "nemsms-borger",
        _("NemSMS borger"),
        "nemsms/borger/",
        _rights(r.BORGERSERVICE, kinds=AUTHORITIES),
        _("Administrér borgeres NemSMS"),
        _("Til- eller afmeld en borger NemSMS."),
        "smartphone",
        url_name="nemsms:citizen",
    ),
    Section(
        "nemsms-virksomhed",
        _("NemSMS virksomhed"),
        "nemsms/virksomhed/",
        _rights(r.BORGERSERVICE, r.ERHVERVSSERVICE, kinds=AUTHORITIES),
        _("Administrér virksomheders NemSMS"),
        _("Til- eller afmeld en virksomhed NemSMS."),
        "chat",
        url_name="nemsms:company",
    ),
    Section(
        "adgang",
        _("Adgang"),
        "adgang/",
        _rights(r.BORGERSERVICE, kinds=AUTHORITIES),
        _("Administrér adgange"),
        _("Giv en person eller virksomhed adgang til en borgers post."),
        "visibility",
        url_name="readaccess:giver",
    ),
)
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}


@dataclass(frozen=True)
class EventLog:
    key: str
    label: str
    description: str
    access: Access


# The three logs of SPEC §5, each behind its own rights: no single right opens all three.
EVENT_LOGS: tuple[EventLog, ...] = (
    EventLog(
        "meddelelser",
        _("Log for meddelelser"),
        _("Søg i hændelser for din organisations sendte og modtagne meddelelser."),
        _rights(r.LOG_MEDDELELSER, r.BORGERSERVICE, r.ERHVERVSSERVICE),
    ),
    EventLog(
        "handlinger",
        _("Log for medarbejder- og systemhandlinger"),
        _("Søg i handlinger foretaget af medarbejdere og systemet."),
        _rights(r.LOG_HANDLINGER, r.BORGERSERVICE, r.ERHVERVSSERVICE),
    ),
    EventLog(
        "soegninger",
        _("Log for medarbejdersøgninger"),
        _("Se hvilke oplysninger om borgere og virksomheder medarbejdere har søgt på."),
        _rights(r.LOG_SOEGNINGER),
    ),
)
EVENT_LOGS_BY_KEY = {log.key: log for log in EVENT_LOGS}


def visible_sections(acting) -> list[Section]:
    """The tabs of the current person in the current organisation, in the guide's order."""
    return [s for s in SECTIONS if s.access.allows(acting)]


def visible_logs(acting) -> list[EventLog]:
    return [log for log in EVENT_LOGS if log.access.allows(acting)]
