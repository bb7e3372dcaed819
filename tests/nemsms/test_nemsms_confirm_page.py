"""The confirmation link's page (SPEC §7): public, GET shows, only POST confirms; expired,
used, unknown and superseded links get a clear Danish page and change nothing."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from adgang.audit.models import ActionLogEntry
from adgang.core import clock
from adgang.nemsms import services
from adgang.nemsms.models import NemSmsRegistration, NemSmsState
from adgang.registers import demo as register_demo
from tests.nemsms.conftest import outbox_token

CPR = register_demo.CITIZEN.cpr


@pytest.fixture
def token(personas, bob_actor):
    services.nemsms_signup(
        actor=bob_actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR,
        name="Mette Hansen", phone="+4520304050",
    )  # fmt: skip
    return outbox_token()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def state() -> str:
    return NemSmsRegistration.objects.get().state


def test_get_shows_what_is_confirmed_without_login_and_changes_nothing(token):
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/nemsms/bekraeft/{token}/")
    assert response.status_code == 200
    page = text(response)
    assert "150385-****" in page and CPR not in page
    assert "+45 20 30 40 50" in page and ">Bekræft<" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert response["Referrer-Policy"] == "same-origin"
    assert state() == NemSmsState.PENDING


def test_post_confirms_with_csrf(token):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/nemsms/bekraeft/{token}/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(f"/nemsms/bekraeft/{token}/", {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 200
    assert "Telefonnummeret er bekræftet" in text(response)
    assert state() == NemSmsState.ACTIVE


def test_post_without_csrf_is_refused(token):
    response = Client(enforce_csrf_checks=True).post(f"/nemsms/bekraeft/{token}/")
    assert response.status_code == 403
    assert state() == NemSmsState.PENDING


def _problem(response) -> str:
    return re.search(r'data-problem="(\w+)"', response.content.decode()).group(1)


def test_a_used_link_says_so(token):
    Client().post(f"/nemsms/bekraeft/{token}/")
    log_size = ActionLogEntry.objects.count()
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/nemsms/bekraeft/{token}/")
        assert response.status_code == 410
        assert _problem(response) == "used"
        assert "Linket er allerede brugt" in text(response)
        assert "Der er ikke ændret noget." in text(response)
    assert ActionLogEntry.objects.count() == log_size


def test_an_expired_link_says_so(token, time_machine):
    time_machine.move_to(clock.now() + timedelta(hours=49))
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/nemsms/bekraeft/{token}/")
        assert response.status_code == 410 and "Linket er udløbet" in text(response)
    assert state() == NemSmsState.PENDING


@pytest.mark.parametrize("bad", ["x", "A" * 43, "A" * 200])
def test_an_unknown_link_says_so(token, bad):
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/nemsms/bekraeft/{bad}/")
        assert response.status_code == 404 and "Linket er ugyldigt" in text(response)
    assert state() == NemSmsState.PENDING


def test_a_link_for_another_signup_says_so(token, personas, bob_actor):
    services.nemsms_phone_change(
        actor=bob_actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR,
        name="Mette Hansen", phone="+4531323334",
    )  # fmt: skip
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/nemsms/bekraeft/{token}/")
        assert response.status_code == 410 and "Linket gælder ikke længere" in text(response)
    registration = NemSmsRegistration.objects.get()
    assert (registration.state, registration.phone) == (NemSmsState.PENDING, "+4531323334")


def test_a_logged_in_caseworker_may_open_the_link_too(token, client_as):
    response = client_as("charlie").get(f"/nemsms/bekraeft/{token}/")
    assert response.status_code == 200
