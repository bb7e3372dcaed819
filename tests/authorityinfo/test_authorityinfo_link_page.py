"""Angiv link til privatlivspolitik (SPEC §9, guide §11.3) through the pages: save, try,
delete, every bad input refused next to the field with nothing saved, all logged."""

import html

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.authorityinfo.models import AuthorityInfo

PAGE = "/myndighedsinformation/"
LINK = "/myndighedsinformation/link/"
DELETE = "/myndighedsinformation/link/slet/"
GOOD = "https://www.kommune-a.dk/privatlivspolitik"


def _log():
    return list(
        ActionLogEntry.objects.filter(subject=Subject.MYNDIGHEDSINFORMATION).order_by("occurred_at")
    )


def _saved_link(organisation) -> str:
    info = AuthorityInfo.objects.filter(organisation=organisation).first()
    return info.privacy_link if info else ""


def test_the_link_page_shows_the_guides_texts(client_as):
    body = client_as("alice").get(LINK).content.decode()

    assert "Angiv link til privatlivspolitik" in body
    assert "URL&#x27;en skal starte med https:// og må max. være 2048 tegn." in body
    assert "Afprøv link" in body and "Gem" in body


def test_saving_a_link_stores_it_logs_it_and_shows_it(client_as, personas):
    client = client_as("alice")

    response = client.post(LINK, {"link": GOOD, "action": "gem"})

    assert response.status_code == 302 and response["Location"] == PAGE
    assert _saved_link(personas.alice.organisation) == GOOD
    [entry] = _log()
    assert (entry.field, entry.before, entry.after) == ("Link til privatlivspolitik", "", GOOD)
    assert entry.event == "Oprettet"
    assert entry.actor == personas.alice.actor_id
    assert entry.organisation == personas.alice.organisation
    page = client.get(PAGE).content.decode()
    assert "Linket til privatlivspolitikken er gemt." in page
    assert f'href="{GOOD}" target="_blank" rel="noopener noreferrer"' in page


def test_changing_the_link_logs_before_and_after(client_as):
    client = client_as("alice")
    client.post(LINK, {"link": GOOD, "action": "gem"})

    client.post(LINK, {"link": GOOD + "/v2", "action": "gem"})

    entry = _log()[-1]
    assert (entry.event, entry.before, entry.after) == ("Ændret", GOOD, GOOD + "/v2")


def test_saving_the_same_link_again_logs_nothing(client_as):
    client = client_as("alice")
    client.post(LINK, {"link": GOOD, "action": "gem"})

    client.post(LINK, {"link": GOOD, "action": "gem"})

    assert len(_log()) == 1


def test_trying_a_link_offers_it_in_a_new_tab_and_saves_nothing(client_as, personas):
    response = client_as("alice").post(LINK, {"link": GOOD, "action": "afproev"})

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<a href="{GOOD}" target="_blank" rel="noopener noreferrer"' in body
    assert "Linket er ikke gemt endnu." in body
    assert f'value="{GOOD}"' in body  # kept in the field
    assert _saved_link(personas.alice.organisation) == ""
    assert _log() == []


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("http://www.kommune-a.dk/privatliv", "Linket skal starte med https://"),
        ("javascript:alert(document.cookie)", "Linket skal starte med https://"),
        ("data:text/html;base64,PHNjcmlwdD4=", "Linket skal starte med https://"),
        ("https://www.kommune-a.dk/" + "a" * 2030, "Linket må højst være 2048 tegn."),
        ("https://" + "a" * 9000 + ".dk", "Linket må højst være 2048 tegn."),
        ("https://www.kommune-a.dk@evil.example/", "brugernavn"),
        ("https://www.kommune a.dk/", "mellemrum"),
        ("https://localhost/", "gyldigt domænenavn"),
        ("", "Indtast linket til jeres privatlivspolitik."),
    ],
    ids=["http", "javascript", "data", "2049", "huge", "userinfo", "space", "localhost", "empty"],
)
@pytest.mark.parametrize("action", ["gem", "afproev"])
def test_bad_links_are_refused_next_to_the_field_and_nothing_is_saved(
    client_as, personas, link, message, action
):
    response = client_as("alice").post(LINK, {"link": link, "action": action})

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert 'class="form-error-message"' in body
    assert message in body
    assert 'aria-invalid="true"' in body
    if link:
        assert f'value="{link}"' in body  # what was typed is kept
    assert 'target="_blank"' not in body
    assert AuthorityInfo.objects.count() == 0
    assert _log() == []


def test_a_bad_link_keeps_the_saved_one(client_as, personas):
    client = client_as("alice")
    client.post(LINK, {"link": GOOD, "action": "gem"})

    client.post(LINK, {"link": "http://x.dk/", "action": "gem"})

    assert _saved_link(personas.alice.organisation) == GOOD
    assert len(_log()) == 1


def test_deleting_the_link_asks_first_then_deletes_and_logs(client_as, personas):
    client = client_as("alice")
    client.post(LINK, {"link": GOOD, "action": "gem"})

    confirm = client.get(DELETE)
    assert confirm.status_code == 200
    assert GOOD in confirm.content.decode()
    assert _saved_link(personas.alice.organisation) == GOOD

    response = client.post(DELETE)

    assert response.status_code == 302
    assert _saved_link(personas.alice.organisation) == ""
    entry = _log()[-1]
    assert (entry.event, entry.before, entry.after) == ("Slettet", GOOD, "")
    assert "Der er endnu ikke angivet et link" in client.get(PAGE).content.decode()


def test_deleting_when_there_is_no_link_changes_nothing(client_as):
    response = client_as("alice").post(DELETE)

    assert response.status_code == 302
    assert _log() == []


def test_the_saved_link_is_the_forms_initial_value(client_as):
    client = client_as("alice")
    client.post(LINK, {"link": GOOD, "action": "gem"})

    assert f'value="{GOOD}"' in client.get(LINK).content.decode()
