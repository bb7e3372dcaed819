"""Fritag borger / Fritag virksomhed through the Django test client (SPEC §6, guide §8)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from pypdf import PdfReader

from adgang.accounts.rights import BORGERSERVICE
from adgang.audit.models import ActionLogEntry, SearchLogEntry, Subject
from adgang.exemptions.models import Exemption
from adgang.exemptions.services import exemption_lift
from adgang.messaging.models import MailboxItem
from adgang.registers import demo as register_demo
from adgang.testing import login
from tests.exemptions.helpers import actor_of, exempt_citizen, exempt_company

CPH = ZoneInfo("Europe/Copenhagen")
CITIZEN = register_demo.CITIZEN
NO_ADDRESS = register_demo.CITIZEN_NO_ADDRESS
COMPANY = register_demo.VIRKSOMHED_B
ALTERNATIVE = {
    "by_proxy": "ja",
    "reason": "EMIGRATION",
    "destination": "ALTERNATIVE",
    "street": "Rue de Rivoli 1",
    "postcode": "75001",
    "city": "Paris",
    "country": "Frankrig",
}


def text(response) -> str:
    return response.content.decode()


def search(client, kind: str, number: str):
    field = "cpr" if kind == "borger" else "cvr"
    return client.post(f"/fritagelse/{kind}/", {field: number})


def start(client, kind: str, number: str) -> str:
    response = search(client, kind, number)
    assert response.status_code == 302, text(response)
    assert number not in response["Location"]
    return response["Location"]


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response)))
    return " ".join(page.extract_text() for page in reader.pages)


def fritagelse_log():
    return ActionLogEntry.objects.filter(subject=Subject.FRITAGELSE)


# -- the citizen -------------------------------------------------------------------------------


def test_exempt_a_citizen_with_an_alternative_address_and_download_the_receipt(client_as, personas):
    client = client_as("bob")
    case = start(client, "borger", NO_ADDRESS.cpr)
    page = client.get(case)
    assert "Jens Peter Nielsen" in text(page)
    assert "020791-3375" in text(page)
    assert "Manglende folkeregisteradresse" in text(page)
    response = client.post(case, ALTERNATIVE)
    assert response.status_code == 302
    summary = client.get(response["Location"])
    assert "Alternativ adresse: Rue de Rivoli 1, 75001 Paris, Frankrig" in text(summary)
    assert "Udrejse" in text(summary)
    assert not Exemption.objects.exists()  # nothing before "Godkend"

    response = client.post(response["Location"])
    assert response.status_code == 302
    exemption = Exemption.objects.get()
    assert exemption.number == NO_ADDRESS.cpr
    assert exemption.by_proxy is True
    assert exemption.forward_address["country"] == "Frankrig"

    receipt = client.get(response["Location"])
    assert "Fritagelse gennemført" in text(receipt)
    assert "Kommune A (CVR 31415926)" in text(receipt)
    content = pdf_text(client.get(response["Location"] + "pdf/"))
    for expected in (
        "Jens Peter Nielsen",
        "020791-3375",
        "Virkning fra",
        "Kommune A (CVR 31415926)",
        "Rue de Rivoli 1",
        "obligatorisk post",
    ):
        assert expected in content, expected

    # One look-up in the search log under Fritagelsesregister, the change in the action log.
    searched = SearchLogEntry.objects.get()
    assert searched.register == "Fritagelsesregister"
    assert searched.search_data.replace("-", "").startswith(NO_ADDRESS.cpr[:6])
    rows = set(fritagelse_log().values_list("field", "before", "after", "reason"))
    assert ("Fritaget", "Nej", "Ja", "Udrejse") in rows
    assert all(entry.power_of_attorney == "Ja" for entry in fritagelse_log())


def test_receipts_are_kept_once_for_the_session_only(client_as, personas):
    bob = client_as("bob")
    case = start(bob, "borger", CITIZEN.cpr)
    bob.post(case, {"by_proxy": "nej", "reason": "OTHER", "declined": "on"})
    receipt = bob.post(case + "opsummering/")["Location"]
    assert bob.get(receipt).status_code == 200
    # Another caseworker (another session, another authority) cannot open it.
    personas.maja.rights = [BORGERSERVICE]
    personas.maja.save()
    maja = login(Client(), personas.maja)
    assert maja.get(receipt).status_code == 404
    assert maja.get(receipt + "pdf/").status_code == 404
    assert maja.get(case).status_code == 404
    assert maja.get(case + "opsummering/").status_code == 404


def test_back_and_edit_keep_the_answers(client_as, personas):
    client = client_as("bob")
    case = start(client, "borger", NO_ADDRESS.cpr)
    client.post(case, ALTERNATIVE)
    page = text(client.get(case))  # "Tilbage"/"Redigér" lead here
    assert 'value="Rue de Rivoli 1"' in page
    assert 'value="ALTERNATIVE" checked' in page
    assert 'value="EMIGRATION" checked' in page
    assert 'value="ja" checked' in page


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "CPR"),
        ("0101011235", "Der findes ingen borger med dette CPR-nummer i CPR-registret."),
        (register_demo.CITIZEN_DECEASED.cpr, "Borgeren er registreret som død i CPR-registret."),
    ],
)
def test_bad_cpr_searches_are_refused_next_to_the_field(client_as, number, message):
    client = client_as("bob")
    response = search(client, "borger", number)
    assert response.status_code == 200
    assert message in text(response)
    assert 'class="form-error-message" id="id_cpr-error"' in text(response)
    assert not client.session.get("exemption_cases")
    assert not Exemption.objects.exists()


def test_bad_cvr_searches_are_refused(client_as):
    client = client_as("erik")
    response = search(client, "virksomhed", "11111111")
    assert "CVR" in text(response)
    assert 'id="id_cvr-error"' in text(response)
    assert not Exemption.objects.exists()


def test_forwarding_wanted_without_a_folkeregister_address_needs_an_address(client_as):
    client = client_as("bob")
    case = start(client, "borger", NO_ADDRESS.cpr)
    response = client.post(case, {"by_proxy": "nej", "reason": "EMIGRATION"})
    assert response.status_code == 200
    assert 'id="id_destination-error"' in text(response)
    assert "Angiv i stedet en alternativ adresse" in text(response)
    assert 'value="EMIGRATION" checked' in text(response)  # input kept
    assert client.session["exemption_cases"][case.split("/")[-2]]["data"]["answers"] is None
    assert not Exemption.objects.exists()


def test_an_alternative_address_missing_parts_is_refused_at_each_field(client_as):
    client = client_as("bob")
    case = start(client, "borger", CITIZEN.cpr)
    response = client.post(
        case,
        {"by_proxy": "nej", "reason": "OTHER", "destination": "ALTERNATIVE", "country": "Danmark"},
    )
    page = text(response)
    for field, message in (
        ("street", "Angiv vejnavn og husnummer."),
        ("postcode", "Angiv postnummer."),
        ("city", "Angiv by."),
    ):
        assert f'id="id_{field}-error"' in page
        assert message in page
    assert not Exemption.objects.exists()


def test_someone_exempted_meanwhile_gives_the_clear_message_not_a_500(client_as, personas):
    client = client_as("bob")
    case = start(client, "borger", CITIZEN.cpr)
    client.post(case, {"by_proxy": "nej", "reason": "OTHER", "declined": "on"})
    exempt_citizen(personas.bob)  # another caseworker, another tab
    entries = fritagelse_log().count()
    response = client.post(case + "opsummering/")
    assert response.status_code == 409
    assert "allerede fritaget for Digital Post" in text(response)
    assert Exemption.objects.count() == 1
    assert fritagelse_log().count() == entries


def test_lift_a_citizens_exemption(client_as, personas):
    exempt_citizen(personas.bob)
    client = client_as("bob")
    case = start(client, "borger", CITIZEN.cpr)
    page = text(client.get(case))
    assert 'data-mode="change"' in page
    assert "Fritaget fra Digital Post siden" in page
    response = client.post(case, {"by_proxy": "ja"})
    summary = client.get(response["Location"])
    assert "Godkend ophævelse" in text(summary)
    response = client.post(response["Location"])
    assert response.status_code == 302
    assert not Exemption.objects.filter(lifted_at__isnull=True).exists()
    receipt = client.get(response["Location"])
    assert "Ophævelse gennemført" in text(receipt)
    assert "Ophævelse" in pdf_text(client.get(response["Location"] + "pdf/"))
    entry = fritagelse_log().get(event="Fritagelse ophævet")
    assert (entry.before, entry.after, entry.power_of_attorney) == ("Ja", "Nej", "Ja")


def test_lifting_what_was_lifted_in_another_tab_gives_the_clear_message(client_as, personas):
    exemption = exempt_citizen(personas.bob)
    client = client_as("bob")
    case = start(client, "borger", CITIZEN.cpr)
    client.post(case, {"by_proxy": "nej"})
    exemption_lift(
        actor=actor_of(personas.bob),
        organisation=personas.bob.organisation,
        exemption=exemption,
        by_proxy=False,
    )
    entries = fritagelse_log().count()
    response = client.post(case + "opsummering/")
    assert response.status_code == 409
    assert "Fritagelsen er ikke længere aktiv" in text(response)
    assert fritagelse_log().count() == entries


def test_unopened_post_shows_a_warning_with_the_count(client_as, personas, monkeypatch):
    monkeypatch.setattr("adgang.exemptions.views.unopened_post_count", lambda id_type, n: 3)
    client = client_as("bob")
    page = text(client.get(start(client, "borger", CITIZEN.cpr)))
    assert 'data-testid="unopened-warning"' in page
    assert "Der er 3 uåbnede breve" in page


def test_no_warning_without_unopened_post(client_as):
    assert not MailboxItem.objects.exists()
    client = client_as("bob")
    page = text(client.get(start(client, "borger", CITIZEN.cpr)))
    assert 'data-testid="unopened-warning"' not in page
    assert "Aktiv siden" in page


# -- the company -------------------------------------------------------------------------------


def test_exempt_renew_and_lift_a_company(client_as, personas, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 10, 0, tzinfo=CPH), tick=False)
    client = client_as("erik")
    case = start(client, "virksomhed", COMPANY.cvr)
    assert "Industrivej 14" in text(client.get(case))
    response = client.post(case, {"by_proxy": "nej", "destination": "REGISTERED"})
    assert "Hjemstedsadresse: Industrivej 14, 5000 Odense C" in text(
        client.get(response["Location"])
    )
    receipt = client.post(response["Location"])["Location"]
    assert Exemption.objects.get().expires_on == date(2028, 11, 1)
    assert "01.11.2028" in pdf_text(client.get(receipt + "pdf/"))

    time_machine.move_to(datetime(2027, 2, 1, 10, 0, tzinfo=CPH), tick=False)
    client = client_as("erik")  # the old session has timed out
    case = start(client, "virksomhed", COMPANY.cvr)
    page = text(client.get(case))
    assert "Fritaget indtil" in page and "01.11.2028" in page
    response = client.post(case, {"action": "forny", "by_proxy": "ja"})
    assert "Godkend fornyelse" in text(client.get(response["Location"]))
    receipt = client.post(response["Location"])["Location"]
    assert "Fornyelse gennemført" in text(client.get(receipt))
    assert Exemption.objects.get().expires_on == date(2029, 11, 1)
    entry = fritagelse_log().get(event="Fritagelse fornyet")
    assert (entry.before, entry.after) == ("01.11.2028", "01.11.2029")

    case = start(client, "virksomhed", COMPANY.cvr)
    response = client.post(case, {"action": "ophaev", "by_proxy": "nej"})
    client.post(response["Location"])
    assert not Exemption.objects.filter(lifted_at__isnull=True).exists()
    assert SearchLogEntry.objects.filter(register="Fritagelsesregister").count() == 3


def test_company_change_needs_a_choice(client_as, personas):
    exempt_company(personas.erik)
    client = client_as("erik")
    case = start(client, "virksomhed", COMPANY.cvr)
    response = client.post(case, {})
    assert "Vælg om fritagelsen skal fornyes eller ophæves." in text(response)
    assert "Vælg om det sker via fuldmagt." in text(response)


# -- rights and kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "citizen", "company"),
    [
        ("bob", 200, 200),
        ("erik", 403, 200),
        ("charlie", 403, 403),
        ("alice", 403, 403),
        ("birgitte", 403, 403),
    ],
)
def test_rights(client_as, persona, citizen, company):
    client = client_as(persona)
    assert client.get("/fritagelse/borger/").status_code == citizen
    assert search(client, "borger", CITIZEN.cpr).status_code == (302 if citizen == 200 else 403)
    assert client.get("/fritagelse/virksomhed/").status_code == company
    # A refused page looks nobody up.
    assert SearchLogEntry.objects.exists() == (citizen == 200)


def test_a_company_organisation_is_refused_even_with_the_right(personas):
    personas.birgitte.rights = [BORGERSERVICE]
    personas.birgitte.save()
    client = login(Client(), personas.birgitte)
    assert client.get("/fritagelse/borger/").status_code == 403
    assert client.get("/fritagelse/virksomhed/").status_code == 403
    assert search(client, "borger", CITIZEN.cpr).status_code == 403
    assert not SearchLogEntry.objects.exists()


def test_not_logged_in_goes_to_login(db):
    response = Client().get("/fritagelse/borger/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_case_started_for_another_organisation_answers_404(client_as, personas):
    """The case is kept bound to the organisation acted for when it was started: after a
    context switch its token is unknown (SessionKeep), and nothing is saved."""
    from adgang.accounts import services as account_services
    from adgang.accounts.models import Membership
    from adgang.testing import assert_tenant_isolated

    morten_a = personas.morten
    morten_m = Membership.objects.get(person=morten_a.person, organisation__cvr="27182828")
    for membership in (morten_a, morten_m):
        account_services.membership_rights_set(membership=membership, rights=[BORGERSERVICE])
    client = client_as("morten")
    case = start(client, "borger", register_demo.CITIZEN.cpr)
    assert client.get(case).status_code == 200
    switched = client.post("/skift-kontekst/", {"organisation": str(morten_m.organisation_id)})
    assert switched.status_code == 302

    for suffix in ("", "opsummering/"):
        assert_tenant_isolated(client, case + suffix)
    assert_tenant_isolated(client, case, method="post")
    assert not Exemption.objects.exists()
