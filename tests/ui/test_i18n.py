"""Danish by default, English on request (SPEC: UI language), and a complete translation.

The English catalogue is adgang/locale/en/LC_MESSAGES/django.po; its compiled django.mo is
committed because a fresh machine may lack gettext, so these tests also prove the two agree.
"""

import ast
import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

PO = Path(settings.BASE_DIR) / "adgang" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

ALICE_TABS_DA = {
    "oversigt": "Oversigt",
    "systemtilslutning": "Systemtilslutning",
    "kontaktstruktur": "Kontaktstruktur",
    "tilbagekald": "Tilbagekald",
    "flyt-post": "Flyt post",
    "myndighedsinformation": "Myndighedsinformation",
}
ALICE_TABS_EN = {
    "oversigt": "Overview",
    "systemtilslutning": "System connection",
    "kontaktstruktur": "Contact structure",
    "tilbagekald": "Recall",
    "flyt-post": "Move post",
    "myndighedsinformation": "Authority information",
}


class _Page(HTMLParser):
    """The bits of a rendered page these tests look at: html lang, title, tab labels."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = None
        self.title = ""
        self.tabs: dict[str, str] = {}
        self.rights = ""
        self._in: tuple[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in = ("title", "")
        elif tag == "a" and "data-tab" in attrs:
            self._in = ("tab", attrs["data-tab"])
            self.tabs[attrs["data-tab"]] = ""
        elif attrs.get("data-testid") == "header-rights":
            self._in = ("rights", "")

    def handle_endtag(self, tag):
        if tag in {"title", "a", "span"} and self._in and (tag != "span" or self._in[0] != "tab"):
            self._in = None

    def handle_data(self, data):
        if self._in is None:
            return
        kind, key = self._in
        if kind == "title":
            self.title += data
        elif kind == "tab":
            self.tabs[key] += data.strip()
        elif kind == "rights":
            self.rights += data


def _choose(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/oversigt/"})
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"


# --- Danish by default, English selectable ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", ["en", "en-GB,en;q=0.9", "de, en;q=0.5", ""])
def test_login_page_is_danish_whatever_the_browser_asks_for(accept_language):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept_language).get("/login/")
    page = _Page(response.content.decode())
    assert response.status_code == 200
    assert page.lang == "da"
    assert page.title == "Log ind – Administrativ Adgang"


def test_overview_is_danish_for_a_browser_that_prefers_english(client_as):
    client = client_as("alice")
    page = _Page(client.get("/oversigt/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert page.lang == "da"
    assert page.tabs == ALICE_TABS_DA
    assert page.rights == "Systemadministrator, Kontaktstrukturadministrator"


def test_choosing_english_shows_english_tabs_rights_and_lang(client_as):
    client = client_as("alice")
    _choose(client, "en")
    page = _Page(client.get("/oversigt/").content.decode())
    assert page.lang == "en"
    assert page.title == "Overview – Administrativ Adgang"
    assert page.tabs == ALICE_TABS_EN
    assert page.rights == "System administrator, Contact structure administrator"


def test_english_choice_outlives_the_request_and_applies_to_every_page(client_as):
    client = client_as("alice")
    _choose(client, "en")
    page = _Page(client.get("/kontaktstruktur/").content.decode())
    assert page.lang == "en"
    assert page.title == "Contact structure – Administrativ Adgang"


def test_choosing_danish_again_returns_to_danish(client_as):
    client = client_as("alice")
    _choose(client, "en")
    _choose(client, "da")
    page = _Page(client.get("/oversigt/").content.decode())
    assert page.lang == "da"
    assert page.tabs == ALICE_TABS_DA


@pytest.mark.parametrize("language", ["de", "sv", "xx", ""])
def test_a_language_we_do_not_offer_is_ignored(client_as, language):
    client = client_as("alice")
    client.post("/i18n/setlang/", {"language": language, "next": "/oversigt/"})
    assert _Page(client.get("/oversigt/").content.decode()).lang == "da"


@pytest.mark.django_db
def test_error_pages_follow_the_chosen_language():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/findes-ikke/")
    page = _Page(response.content.decode())
    assert response.status_code == 404
    assert page.lang == "en"
    assert page.title == "Page not found – Administrativ Adgang"


# --- The catalogue: complete, not fuzzy, and compiled -----------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file as dicts (msgctxt, msgid, msgid_plural, msgstr{n}, flags).

    Enough of the format for what makemessages writes: comments, flags, continuation lines,
    contexts and plurals. Obsolete entries (`#~`) are skipped.
    """
    entries, entry, key = [], None, None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(
            r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line
        ):
            keyword, index, value = match.groups()
            if keyword.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = _unquote(value)
            else:
                key = (keyword, None)
                entry[keyword] = _unquote(value)
        elif line.startswith('"') and key is not None:
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            raise AssertionError(f"unexpected line in {PO.name}: {raw!r}")
    return entries


def _catalogue(entries: list[dict]) -> dict:
    """The .po's messages keyed like Python's GNUTranslations._catalog (header left out)."""
    catalogue = {}
    for entry in entries[1:]:
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                catalogue[(msgid, index)] = text
        else:
            catalogue[msgid] = entry["msgstr"][0]
    return catalogue


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = parse_po(PO.read_text(encoding="utf-8"))
    assert entries[0]["msgid"] == "", "the header comes first"
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|\{\w*\}", text))


def test_catalogue_header_declares_english_and_utf8(po_entries):
    header = po_entries[0]["msgstr"][0]
    assert "Language: en\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "fuzzy" not in po_entries[0]["flags"]


def test_every_entry_is_translated(po_entries):
    untranslated = [
        e["msgid"] for e in po_entries[1:] if not e["msgstr"] or not all(e["msgstr"].values())
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy(po_entries):
    assert [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]] == []


def test_translations_keep_every_placeholder(po_entries):
    broken = [
        e["msgid"]
        for e in po_entries[1:]
        if any(_placeholders(e["msgid"]) != _placeholders(s) for s in e["msgstr"].values())
    ]
    assert broken == []


def _without_header(catalogue: dict) -> dict:
    # msgfmt rewrites the header (it drops POT-Creation-Date), so only messages are compared.
    return {key: text for key, text in catalogue.items() if key != ""}


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """The committed .mo holds exactly the .po's entries (read with the stdlib, no gettext)."""
    with MO.open("rb") as handle:
        compiled = _without_header(gettext.GNUTranslations(handle)._catalog)
    expected = _catalogue(po_entries)
    assert set(compiled) == set(expected), "run compilemessages and commit django.mo"
    assert compiled == expected, "run compilemessages and commit django.mo"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_compiles_the_po_file_to_the_committed_catalogue(tmp_path):
    """msgfmt accepts the file (format strings checked) and yields what is committed."""
    target = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - fixed arguments, our own file
        ["msgfmt", "--check", "-o", str(target), str(PO)],  # noqa: S607
        check=True,
        capture_output=True,
    )
    with target.open("rb") as fresh, MO.open("rb") as committed:
        assert _without_header(gettext.GNUTranslations(fresh)._catalog) == _without_header(
            gettext.GNUTranslations(committed)._catalog
        )
