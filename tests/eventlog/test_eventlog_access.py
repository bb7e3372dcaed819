"""Who may use which log (SPEC §1, §5): every page and download without the right is 403,
and nobody ever sees another organisation's rows or another person's saved search."""

from datetime import timedelta

import pytest

from adgang.accounts import rights as r
from adgang.eventlog.models import SavedSearch
from tests.support.eventlog_rows import (
    CITIZEN,
    OTHER_CITIZEN,
    action_entry,
    message_event,
    search_entry,
)

LOGS = ("meddelelser", "handlinger", "soegninger")
# Persona → the logs their rights open (the rest answer 403).
MATRIX = {
    "lars": {"meddelelser"},
    "lene": {"handlinger"},
    "leif": {"soegninger"},
    "bob": {"meddelelser", "handlinger"},
    "erik": {"meddelelser", "handlinger"},
    "alice": set(),
    "charlie": set(),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_each_log_page_answers_only_those_with_its_right(personas, client_as, persona):
    client = client_as(persona)
    answers = {log: client.get(f"/haendelseslog/{log}/").status_code for log in LOGS}
    assert answers == {log: 200 if log in MATRIX[persona] else 403 for log in LOGS}


@pytest.mark.parametrize("persona", MATRIX)
def test_searching_and_downloading_without_the_right_is_403_and_saves_nothing(
    personas, client_as, persona
):
    client = client_as(persona)
    for log in set(LOGS) - MATRIX[persona]:
        assert client.post(f"/haendelseslog/{log}/", {}).status_code == 403
        assert client.get(f"/haendelseslog/{log}/download/").status_code == 403
    assert SavedSearch.objects.filter(kind__in=set(LOGS) - MATRIX[persona]).count() == 0


def test_the_landing_page_shows_only_the_cards_of_the_persons_rights(personas, client_as):
    html = client_as("bob").get("/haendelseslog/").content.decode()
    assert 'href="/haendelseslog/meddelelser/"' in html
    assert 'href="/haendelseslog/handlinger/"' in html
    assert 'href="/haendelseslog/soegninger/"' not in html
    assert client_as("alice").get("/haendelseslog/").status_code == 403


def test_a_saved_search_is_bound_to_the_organisation_it_was_made_in(personas, client_as, frozen):
    """Morten, given the message log in both Kommune A and M: his search in M is no search
    of his in A, and A's page never shows M's rows."""
    personas.morten.rights = [*personas.morten.rights, r.LOG_MEDDELELSER]
    personas.morten.save()
    message_event(personas.morten_m.organisation, frozen - timedelta(days=1), title="Fra M")
    client = client_as("morten_m")
    location = client.post("/haendelseslog/meddelelser/", {})["Location"]
    assert "Fra M" in client.get(location).content.decode()
    client.post("/skift-kontekst/", {"organisation": str(personas.morten.organisation_id)})
    assert client.get(location).status_code == 404
    assert (
        client.get(location.replace("/meddelelser/", "/meddelelser/download/")).status_code == 404
    )


@pytest.mark.parametrize(
    ("log", "persona", "make", "field"),
    [
        ("handlinger", "lene", action_entry, "concerns"),
        ("soegninger", "leif", search_entry, "search_data"),
    ],
)
def test_the_action_and_search_logs_never_show_another_organisation(
    personas, client_as, frozen, log, persona, make, field
):
    make(personas.maja.organisation, frozen - timedelta(days=1), **{field: OTHER_CITIZEN})
    make(personas.lene.organisation, frozen - timedelta(days=1), **{field: CITIZEN})
    client = client_as(persona)
    location = client.post(f"/haendelseslog/{log}/", {})["Location"]
    html = client.get(location).content.decode()
    assert "010190-****" in html and "020280" not in html
    download = location.replace(f"/{log}/", f"/{log}/download/")
    csv = b"".join(client.get(download).streaming_content).decode()
    assert CITIZEN in csv and OTHER_CITIZEN not in csv
