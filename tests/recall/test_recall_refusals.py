"""Every case that cannot be recalled gets its own clear Danish reason next to the
MeddelelsesID field (SPEC §10, §14), after the search and when it arises between the search
and the confirm; after each refusal the message is unchanged and nothing was written."""

import re
import uuid
from datetime import timedelta

import pytest

from adgang.messaging.models import MessageState
from adgang.messaging.release import messages_release_due
from adgang.recall.found import SESSION_KEY
from tests.recall.conftest import (
    DELIVER_AFTER,
    VALUE_DATE,
    recall_writes,
    snapshot,
    submitted,
)

pytestmark = pytest.mark.django_db

URL = "/tilbagekald/"
ERROR_SPAN = re.compile(
    r'<span class="form-error-message" id="id_message_id-error">'
    r'<span class="sr-only">Fejl: </span>(.*?)</span>'
)

MALFORMED = (
    "Et MeddelelsesID består af 32 tal og bogstaver (a–f), eventuelt med bindestreger, "
    "fx 63fe3b8e-89c0-4d93-b502-e275cc54621b."
)
UNKNOWN = "Der findes ingen meddelelse med dette ID."
OTHER_ORGANISATION = "Meddelelsen er ikke sendt af din organisation og kan ikke tilbagekaldes."
NO_VALUE_DATE = (
    "Meddelelsen har ingen valørdato og er sendt med det samme. Den kan ikke tilbagekaldes."
)
VALUE_DATE_REACHED = (
    "Meddelelsens valørdato er nået, og den er sendt til modtageren. Den kan ikke tilbagekaldes."
)
ALREADY_RECALLED = "Meddelelsen er allerede tilbagekaldt."


def field_error(response) -> str:
    """The error shown next to the MeddelelsesID field (without the screen-reader prefix)."""
    match = ERROR_SPAN.search(response.content.decode())
    assert match, "no error next to the field"
    return match.group(1).strip()


def refused_search(client, message_id, reason: str):
    response = client.post(URL, {"message_id": message_id})
    assert response.status_code == 200, response.get("Location")
    assert field_error(response) == reason
    page = response.content.decode()
    assert "Der er problemer med det, du har udfyldt" in page  # the error summary
    assert 'data-testid="recall"' not in page
    assert SESSION_KEY not in client.session  # nothing found, nothing kept
    return response


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Indtast meddelelsens ID."),
        ("   ", "Indtast meddelelsens ID."),
        ("not-a-uuid", MALFORMED),
        ("x" * 10_000, MALFORMED),
        ("1" * 10_000, MALFORMED),
        ("63fe3b8e-89c0-4d93-b502-e275cc54621", MALFORMED),  # one character short
        ("63fe3b8e-89c0-4d93-b502-e275cc54621bb", MALFORMED),  # one too many
        ("{63fe3b8e-89c0-4d93-b502-e275cc54621b}", MALFORMED),
        ("urn:uuid:63fe3b8e-89c0-4d93-b502-e275cc54621b", MALFORMED),
        ("63fe3b8e89c0-4d93-b502-e275cc54621b", MALFORMED),  # hyphens half-way
        ("63fe3b8e-89c0-4d93-b502-e275cc54621g", MALFORMED),
        ("６３fe3b8e-89c0-4d93-b502-e275cc54621b", MALFORMED),  # full-width digits
        ("0101011234", MALFORMED),  # a CPR number is not a message ID
    ],
)
def test_a_malformed_message_id_is_refused_and_kept_in_the_field(client_as, held, typed, reason):
    before = snapshot(held)
    client = client_as("alice")

    response = refused_search(client, typed, reason)

    if typed.strip() and len(typed) < 100:
        assert f'value="{typed}"' in response.content.decode()
    assert snapshot(held) == before
    assert recall_writes() == (0, 0)


def test_an_unknown_message_id_is_refused(client_as, held):
    before = snapshot(held)

    refused_search(client_as("alice"), str(uuid.uuid4()), UNKNOWN)

    assert snapshot(held) == before


def test_another_organisations_message_is_refused_with_its_own_reason(client_as, held):
    before = snapshot(held)

    response = refused_search(client_as("maja"), str(held.pk), OTHER_ORGANISATION)

    page = response.content.decode()
    assert held.title not in page  # nothing of the other organisation's message is shown
    assert 'data-testid="message-info"' not in page
    assert snapshot(held) == before


def test_a_message_without_a_value_date_is_refused(client_as, personas):
    message = submitted(personas.alice)  # delivered at once
    before = snapshot(message)
    assert message.value_date is None

    refused_search(client_as("alice"), str(message.pk), NO_VALUE_DATE)

    assert snapshot(message) == before


def test_a_message_whose_value_date_has_come_is_refused(client_as, held, time_machine):
    time_machine.move_to(DELIVER_AFTER, tick=False)  # due; the release job has not run yet
    before = snapshot(held)

    refused_search(client_as("alice"), str(held.pk), VALUE_DATE_REACHED)

    assert snapshot(held) == before
    assert before[0] == MessageState.HELD


def test_a_delivered_message_is_refused(client_as, held, time_machine):
    time_machine.move_to(DELIVER_AFTER, tick=False)
    assert messages_release_due(now=DELIVER_AFTER) == 1
    before = snapshot(held)
    assert before[0] == MessageState.DELIVERED

    refused_search(client_as("alice"), str(held.pk), VALUE_DATE_REACHED)

    assert snapshot(held) == before


def test_an_already_recalled_message_is_refused(client_as, held):
    client = client_as("alice")
    token = client.post(URL, {"message_id": str(held.pk)})["Location"].split("/")[2]
    client.post(f"{URL}{token}/bekraeft/")
    before = snapshot(held)
    session = client.session  # forget the first search, to see that the refused one keeps none
    session.pop(SESSION_KEY)
    session.save()

    refused_search(client, str(held.pk), ALREADY_RECALLED)

    assert snapshot(held) == before
    assert recall_writes() == (1, 1)


# Between the search and the confirm ------------------------------------------------------

JUST_BEFORE = DELIVER_AFTER - timedelta(minutes=5)


def found_token(client, message) -> str:
    response = client.post(URL, {"message_id": str(message.pk)})
    assert response.status_code == 302
    return response["Location"].split("/")[2]


def assert_refused_on_confirm(client, token: str, reason: str):
    """The confirm page sends back to the found page, which says why; the POST recalls
    nothing and says so."""
    asked = client.get(f"{URL}{token}/bekraeft/")
    assert (asked.status_code, asked["Location"]) == (302, f"{URL}{token}/")

    posted = client.post(f"{URL}{token}/bekraeft/")
    assert (posted.status_code, posted["Location"]) == (302, f"{URL}{token}/")
    page = client.get(posted["Location"])
    assert field_error(page) == reason
    text = page.content.decode()
    assert "Meddelelsen blev ikke tilbagekaldt." in text
    assert 'data-testid="recall"' not in text  # no button for a message that cannot go
    assert 'data-testid="message-info"' in text  # the box still says which message


def test_recalled_in_another_tab_between_search_and_confirm(client_as, held):
    first_tab = client_as("alice")
    token = found_token(first_tab, held)
    other = client_as("morten")  # another Systemadministrator of Kommune A
    other.post(f"{URL}{found_token(other, held)}/bekraeft/")
    before = snapshot(held)
    assert before[0] == MessageState.RECALLED

    assert_refused_on_confirm(first_tab, token, ALREADY_RECALLED)

    assert snapshot(held) == before
    assert recall_writes() == (1, 1)


def test_value_date_reached_between_search_and_confirm(client_as, held, time_machine):
    time_machine.move_to(JUST_BEFORE, tick=False)  # a search minutes before midnight
    client = client_as("alice")
    token = found_token(client, held)
    time_machine.move_to(DELIVER_AFTER, tick=False)
    before = snapshot(held)

    assert_refused_on_confirm(client, token, VALUE_DATE_REACHED)

    assert snapshot(held) == before
    assert before[0] == MessageState.HELD
    assert recall_writes() == (0, 0)


def test_released_between_search_and_confirm(client_as, held, time_machine):
    time_machine.move_to(JUST_BEFORE, tick=False)
    client = client_as("alice")
    token = found_token(client, held)
    time_machine.move_to(DELIVER_AFTER, tick=False)
    messages_release_due(now=DELIVER_AFTER)
    before = snapshot(held)

    assert_refused_on_confirm(client, token, VALUE_DATE_REACHED)

    assert snapshot(held) == before
    assert recall_writes() == (0, 0)


def test_one_second_before_the_value_date_it_can_still_be_recalled(client_as, held, time_machine):
    time_machine.move_to(JUST_BEFORE, tick=False)
    client = client_as("alice")
    token = found_token(client, held)
    time_machine.move_to(DELIVER_AFTER - timedelta(seconds=1), tick=False)

    assert client.post(f"{URL}{token}/bekraeft/")["Location"] == URL
    held.refresh_from_db()
    assert held.state == MessageState.RECALLED
    assert held.value_date == VALUE_DATE
