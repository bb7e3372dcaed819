"""Tilbagekald through the Django test client (SPEC §10, guide §13.3): search by message ID,
the info box, "Tilbagekald", the confirm page, the recall with its event and action-log
entry; the found message travels in the session, never in a URL."""

import re

import pytest
from django.test import Client

from adgang.audit.models import ActionLogEntry, SearchLogEntry, Subject
from adgang.messaging.events import EventTag
from adgang.messaging.models import MessageEvent, MessageState
from adgang.recall.found import SESSION_KEY
from adgang.registers import demo as register_demo
from adgang.testing import login
from tests.recall.conftest import SYSTEM_NAME, TITLE, recall_writes
from tests.support.messaging_ingest import T0

pytestmark = pytest.mark.django_db

URL = "/tilbagekald/"
CITIZEN = register_demo.CITIZEN.cpr
TOKEN_URL = re.compile(r"^/tilbagekald/([A-Za-z0-9_-]{16,})/$")


def search(client, message_id):
    return client.post(URL, {"message_id": str(message_id)})


def token_of(response) -> str:
    assert response.status_code == 302, response.content[:2000]
    match = TOKEN_URL.match(response["Location"])
    assert match, response["Location"]
    return match.group(1)


def info_box(response) -> str:
    html = response.content.decode()
    match = re.search(r'data-testid="message-info".*?</section>', html, re.S)
    assert match, "no info box"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_page_asks_for_the_message_id(client_as):
    response = client_as("alice").get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tilbagekald meddelelse" in page
    assert '<label class="form-label" for="id_message_id">MeddelelsesID</label>' in page
    assert 'data-testid="message-info"' not in page


def test_a_found_message_is_shown_in_the_info_box_with_the_button(client_as, held):
    client = client_as("alice")

    token = token_of(search(client, held.pk))
    response = client.get(f"{URL}{token}/")

    assert response.status_code == 200
    box = info_box(response)
    organisation = held.sender_organisation
    for label, value in [
        ("ID", str(held.pk)),
        ("Titel", TITLE),
        ("Afsender (CVR)", f"{organisation.name} ({organisation.cvr})"),
        ("Afsendersystem", SYSTEM_NAME),
        ("Modtager (CPR/CVR)", f"{CITIZEN[:6]}-****"),
        ("Valørdato", "10/03/2026"),
        ("Status", "Afventer valør"),
    ]:
        assert f" {label} {value} " in box, (label, box)
    page = response.content.decode()
    assert CITIZEN not in page  # the CPR is masked
    assert f'href="{URL}{token}/bekraeft/"' in page
    assert f'value="{held.pk}"' in page  # the field keeps the searched id


def test_the_whole_flow_recalls_the_message_once_with_its_event_and_log_entry(
    client_as, held, personas
):
    client = client_as("alice")
    token = token_of(search(client, f"  {str(held.pk).upper()}  "))

    confirm = client.get(f"{URL}{token}/bekraeft/")
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Bekræft tilbagekaldelsen" in page
    assert "Tilbagekaldelsen kan ikke fortrydes." in page
    assert "Bekræft tilbagekald" in page and "Fortryd" in page
    assert held.title in info_box(confirm)
    assert held.state == MessageState.HELD  # asking changes nothing
    assert recall_writes() == (0, 0)

    done = client.post(f"{URL}{token}/bekraeft/")

    assert (done.status_code, done["Location"]) == (302, URL)
    notice = client.get(URL).content.decode()
    assert (
        f"Meddelelsen »{TITLE}« (ID {held.pk}) er tilbagekaldt og bliver ikke afleveret til "
        "modtageren." in notice
    )
    held.refresh_from_db()
    assert (held.state, held.recalled_at) == (MessageState.RECALLED, T0)
    [event] = MessageEvent.objects.filter(message_id=held.pk, event=EventTag.RECALLED)
    assert event.organisation == personas.alice.organisation
    [entry] = ActionLogEntry.objects.filter(subject=Subject.TILBAGEKALD)
    assert (entry.actor, entry.object_id, entry.object_name, entry.event) == (
        personas.alice.actor_id,
        str(held.pk),
        TITLE,
        "Tilbagekaldt",
    )
    assert (entry.before, entry.after) == ("Afventer valør", "Tilbagekaldt")


def test_a_second_confirm_of_the_same_search_recalls_nothing_more(client_as, held):
    client = client_as("alice")
    token = token_of(search(client, held.pk))
    client.post(f"{URL}{token}/bekraeft/")

    again = client.post(f"{URL}{token}/bekraeft/", follow=True)

    assert "Meddelelsen er allerede tilbagekaldt." in again.content.decode()
    assert recall_writes() == (1, 1)


def test_the_message_id_is_never_in_a_url(client_as, held):
    client = client_as("alice")

    response = search(client, held.pk)
    token = token_of(response)
    confirm = client.get(f"{URL}{token}/")
    done = client.post(f"{URL}{token}/bekraeft/")

    for location in (response["Location"], done["Location"]):
        assert str(held.pk) not in location and held.pk.hex not in location
    assert str(held.pk) not in confirm.content.decode().split('href="')[1].split('"')[0]
    kept = client.session[SESSION_KEY]
    assert kept[token]["data"]["message"] == str(held.pk)


def test_a_search_by_get_searches_nothing(client_as, held):
    response = client_as("alice").get(URL, {"message_id": str(held.pk)})

    assert response.status_code == 200
    assert 'data-testid="message-info"' not in response.content.decode()


def test_a_message_id_search_writes_no_search_log_row(client_as, held):
    # A message ID is no CPR/CVR look-up (SPEC §7.5); the recall itself is in the action log.
    client = client_as("alice")
    token = token_of(search(client, held.pk))
    client.get(f"{URL}{token}/")

    assert not SearchLogEntry.objects.exists()


def test_the_session_keeps_a_bounded_number_of_searches(client_as, held):
    client = client_as("alice")
    tokens = [token_of(search(client, held.pk)) for _ in range(12)]

    assert len(client.session[SESSION_KEY]) == 10
    assert client.get(f"{URL}{tokens[0]}/").status_code == 404
    assert client.get(f"{URL}{tokens[-1]}/").status_code == 200


def test_the_forms_are_csrf_protected(personas, held):
    client = login(Client(), personas.alice)
    client.handler.enforce_csrf_checks = True
    token = "a" * 22

    assert client.post(URL, {"message_id": str(held.pk)}).status_code == 403
    assert client.post(f"{URL}{token}/bekraeft/").status_code == 403
    assert recall_writes() == (0, 0)
