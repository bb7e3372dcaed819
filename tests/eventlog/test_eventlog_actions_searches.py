"""The staff-action and staff-search logs (SPEC §5): each field filters, the tables mask CPR
numbers, and a search of the message log shows up in the search log with its count."""

from datetime import timedelta

import pytest

from adgang.audit.models import Register
from adgang.eventlog.models import SavedSearch
from adgang.eventlog.tasks import saved_searches_prune
from tests.support.eventlog_rows import (
    CITIZEN,
    COMPANY,
    OTHER_CITIZEN,
    action_entry,
    message_event,
    search_entry,
)


def results(client, log: str, data: dict) -> str:
    response = client.post(f"/haendelseslog/{log}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    return html[html.index('data-testid="results"') :]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"subject": "NemSMS"}, {"nemsms"}),
        ({"concerns": OTHER_CITIZEN}, {"other"}),
        ({"actor": "1004"}, {"lene"}),
        ({"actor": f"CVR:{COMPANY}-RID:1004"}, set()),
        ({"actor": OTHER_CITIZEN}, {"other"}),
        ({"event": "Slettet"}, {"deleted"}),
        ({"object_id": "gruppe-7"}, {"group"}),
        ({}, {"nemsms", "other", "lene", "deleted", "group"}),
    ],
)
def test_each_action_log_field_filters(personas, client_as, frozen, data, expected):
    org = personas.lene.organisation
    at = frozen - timedelta(days=1)
    action_entry(org, at, object_name="nemsms", subject="NemSMS", concerns="")
    action_entry(org, at, object_name="other", concerns=OTHER_CITIZEN)
    action_entry(org, at, object_name="lene", actor_rid="1004", concerns="")
    action_entry(org, at, object_name="deleted", event="Slettet", concerns="")
    action_entry(org, at, object_name="group", object_id="gruppe-7", concerns="")
    html = results(client_as("lene"), "handlinger", data)
    names = {"nemsms", "other", "lene", "deleted", "group"}
    assert {name for name in names if f"<dd>{name}</dd>" in html} == expected


def test_the_action_table_masks_the_cpr_concerned(personas, client_as, frozen):
    action_entry(personas.lene.organisation, frozen - timedelta(days=1), concerns=CITIZEN)
    html = results(client_as("lene"), "handlinger", {})
    assert "010190-****" in html and CITIZEN not in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"search_data": OTHER_CITIZEN}, {3}),
        ({"actor_rid": "1009"}, {4}),
        ({"register": "Adgangsregister"}, {5}),
    ],
)
def test_each_search_log_field_filters(personas, client_as, frozen, data, expected):
    org = personas.leif.organisation
    at = frozen - timedelta(days=1)
    search_entry(org, at, search_data=OTHER_CITIZEN, result_count=3)
    search_entry(org, at, actor_rid="1009", search_data=COMPANY, result_count=4)
    search_entry(org, at, register=Register.ADGANGSREGISTER, search_data=COMPANY, result_count=5)
    html = results(client_as("leif"), "soegninger", data)
    counts = {count for count in (3, 4, 5) if f"<td>{count}</td>" in html}
    assert counts == expected


def test_a_message_log_search_appears_in_the_search_log_with_its_count(personas, client_as, frozen):
    org = personas.lars.organisation
    for day in (1, 2, 3):
        message_event(org, frozen - timedelta(days=day))
    client_as("lars").post("/haendelseslog/meddelelser/", {"party_id": CITIZEN})
    html = results(client_as("leif"), "soegninger", {"search_data": CITIZEN})
    assert "Resultater (2)" in html  # Lars's search and Leif's own, logged as he searched
    assert "010190-****" in html and f"CVR:{org.cvr}-RID:1003" in html
    assert "<td>Hændelseslog</td>" in html and "<td>3</td>" in html


def test_old_saved_searches_are_pruned(personas, client_as, time_machine):
    time_machine.move_to("2026-03-15 08:00:00+00:00", tick=False)
    client_as("lars").post("/haendelseslog/meddelelser/", {})
    time_machine.move_to("2026-03-15 19:00:00+00:00", tick=False)
    assert saved_searches_prune() == 0
    time_machine.move_to("2026-03-15 20:01:00+00:00", tick=False)
    assert saved_searches_prune() == 1
    assert SavedSearch.objects.count() == 0


def test_the_result_page_refills_the_form_with_the_saved_search(personas, client_as, frozen):
    client = client_as("lene")
    data = {"actor": "CVR:29189846-RID:1004", "subject": "NemSMS", "start": "2026-03-01"}
    html = client.get(client.post("/haendelseslog/handlinger/", data)["Location"]).content.decode()
    assert 'value="CVR:29189846-RID:1004"' in html
    assert '<option value="NemSMS" selected>' in html
    assert 'value="2026-03-01"' in html and 'value="2026-03-15"' in html
