"""Helpers for the accounts tests: reading what a page shows, counting what was saved."""

from html.parser import HTMLParser

import pytest

from adgang.accounts.models import Membership, Organisation, Person
from adgang.audit.models import ActionLogEntry, SearchLogEntry


class _TextById(HTMLParser):
    """Collects the text inside the element whose id or data-testid is given (nested too)."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif self.element_id in {dict(attrs).get("id"), dict(attrs).get("data-testid")}:
            self.found, self.depth = True, 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str | None:
    """The whitespace-normalised text of the (first) element with that id or data-testid.

    None if the page has no such element."""
    parser = _TextById(element_id)
    parser.feed(html)
    if not parser.found:
        return None
    return " ".join("".join(parser.parts).split())


def error_next_to(response, field_id: str) -> str | None:
    """The error message shown next to the field `field_id` (without the sr-only "Fejl:")."""
    text = text_of(response.content.decode(), f"{field_id}-error")
    if text is None:
        return None
    return text.removeprefix("Fejl:").strip()


@pytest.fixture(name="text_of")
def text_of_fixture():
    """`text_of(html, "org-info")` → the text of the element with that id or data-testid."""
    return text_of


@pytest.fixture
def field_error():
    """`field_error(response, "id_org-cvr")` → the message shown next to that field."""
    return error_next_to


@pytest.fixture
def row_counts(db):
    """`row_counts()` → how many organisations, people, memberships and log entries exist."""

    def count() -> dict[str, int]:
        return {
            "organisations": Organisation.objects.count(),
            "people": Person.objects.count(),
            "memberships": Membership.objects.count(),
            "actions": ActionLogEntry.objects.count(),
            "searches": SearchLogEntry.objects.count(),
        }

    return count
