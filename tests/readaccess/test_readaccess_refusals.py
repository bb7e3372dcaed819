"""Bad input on the Adgang pages (SPEC §8, §14): a clear Danish message next to the field,
what was typed kept, and nothing saved."""

import pytest

from adgang.audit.models import ActionLogEntry, SearchLogEntry
from adgang.messaging.models import Message
from adgang.readaccess.models import AccessType, ReadAccess
from tests.readaccess.conftest import (
    COMPANY,
    DECEASED,
    GIVER,
    HOLDER,
    create,
    exempt,
    flow_to_summary,
    living_persons,
    search_giver,
)


def nothing_saved():
    assert not ReadAccess.objects.exists()
    assert not ActionLogEntry.objects.filter(subject="Adgang").exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("cpr", "message"),
    [
        ("", "Indtast et CPR-nummer."),
        ("12345", "CPR-nummeret skal bestå af 10 cifre."),
        ("3213991234", "CPR-nummeret indeholder ikke en gyldig dato."),
        ("0101010000", "Der findes ingen borger med dette CPR-nummer i CPR-registret."),
        (DECEASED.cpr, "Borgeren er registreret som død i CPR-registret."),
    ],
)
def test_a_bad_giver_cpr_is_refused_next_to_the_field(client_as, cpr, message):
    client = client_as("bob")
    response = client.post("/adgang/", {"giver-cpr": cpr})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert f'value="{cpr}"' in page or not cpr
    assert not client.session.get("readaccess_givers")


def test_an_unknown_giver_is_still_a_logged_lookup(client_as):
    client = client_as("bob")
    client.post("/adgang/", {"giver-cpr": "0101010000"})
    entry = SearchLogEntry.objects.get()
    assert (entry.search_data, entry.register, entry.result_count) == (
        "0101010000",
        "Adgangsregister",
        0,
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre)."),
        ("123", "Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre)."),
        ("12345678", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
        ("0101010000", "Der findes ingen borger med dette CPR-nummer i CPR-registret."),
        ("10000009", "Der findes ingen virksomhed med dette CVR-nummer i CVR-registret."),
        (DECEASED.cpr, "Borgeren er registreret som død i CPR-registret."),
        (GIVER.cpr, "Borgeren kan ikke få adgang til sin egen Digital Post."),
        ("150385-1284", "Borgeren kan ikke få adgang til sin egen Digital Post."),
    ],
)
def test_a_bad_holder_is_refused_next_to_the_field(client_as, number, message):
    client = client_as("bob")
    giver_url = search_giver(client)
    response = client.post(giver_url + "opret/", {"holder-number": number})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "holder" not in client.session["readaccess_givers"][giver_url.split("/")[-2]]["data"]
    nothing_saved()


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"access_type": None}, "Vælg, hvilken type adgang der skal oprettes."),
        ({"access_type": "ADMIN"}, "Vælg, hvilken type adgang der skal oprettes."),
        ({"unlimited": None}, "Vælg en udløbsdato, eller sæt kryds ved"),
        ({"expires_on": "2026-12-01"}, "Vælg enten en udløbsdato eller en tidsubegrænset"),
        (
            {"unlimited": None, "expires_on": "2026-03-01"},
            "Udløbsdatoen skal ligge efter dags dato.",
        ),
        (
            {"unlimited": None, "expires_on": "2026-03-02"},
            "Udløbsdatoen skal ligge efter dags dato.",
        ),
        ({"unlimited": None, "expires_on": "31.02.2027"}, "Skriv udløbsdatoen som dd.mm.åååå."),
        ({"unlimited": None, "expires_on": "i morgen"}, "Skriv udløbsdatoen som dd.mm.åååå."),
    ],
)
def test_bad_details_are_refused_next_to_the_field(client_as, details, message):
    client = client_as("bob")
    giver_url = search_giver(client)
    client.post(giver_url + "opret/", {"holder-number": HOLDER.cpr})
    data = {"details-access_type": AccessType.READ, "details-unlimited": "on"}
    data.update({f"details-{k}": v for k, v in details.items()})
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(giver_url + "opret/adgang/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if details.get("expires_on"):
        assert details["expires_on"] in page  # what was typed is kept
    assert client.get(giver_url + "opret/opsummering/")["Location"].endswith("/opret/adgang/")
    nothing_saved()


def test_the_exempt_giver_choice_is_required(client_as, personas):
    exempt(personas)
    client = client_as("bob")
    giver_url = search_giver(client)
    client.post(giver_url + "opret/", {"holder-number": HOLDER.cpr})
    response = client.post(
        giver_url + "opret/adgang/",
        {"details-access_type": AccessType.READ, "details-unlimited": "on"},
    )
    assert "Vælg, om fritagelsen skal ophæves eller bevares." in response.content.decode()
    nothing_saved()


def test_an_eleventh_access_is_refused(client_as, personas):
    for person in living_persons(10, exclude={HOLDER.cpr}):
        create(personas, person)
    before = ActionLogEntry.objects.count(), Message.objects.count()
    client = client_as("bob")
    assert "10 aktive adgange" in client.get(search_giver(client)).content.decode()
    giver_url = flow_to_summary(client)
    response = client.post(giver_url + "opret/opsummering/", {"approve": "1"})
    assert response.status_code == 409
    assert "Borgeren har allerede 10 aktive adgange" in response.content.decode()
    assert ReadAccess.objects.count() == 10
    assert (ActionLogEntry.objects.count(), Message.objects.count()) == before


def test_the_same_holder_twice_is_refused(client_as, personas):
    create(personas)
    before = ActionLogEntry.objects.count(), Message.objects.count()
    client = client_as("bob")
    giver_url = flow_to_summary(client)
    response = client.post(giver_url + "opret/opsummering/", {"approve": "1"}, follow=True)
    page = response.content.decode()
    assert "har allerede en aktiv adgang" in page
    assert ReadAccess.objects.count() == 1
    assert (ActionLogEntry.objects.count(), Message.objects.count()) == before


def test_a_stored_expiry_date_that_has_passed_is_refused_at_approval(client_as, time_machine):
    time_machine.move_to("2026-03-02T23:50:00+01:00", tick=False)
    client = client_as("bob")
    giver_url = flow_to_summary(client, unlimited=None, expires_on="2026-03-03")
    time_machine.move_to("2026-03-03T00:05:00+01:00", tick=False)
    response = client.post(giver_url + "opret/opsummering/", {"approve": "1"})
    assert response["Location"].endswith("/opret/adgang/")
    assert not ReadAccess.objects.exists()


def test_employee_name_is_not_asked_for_a_person_holder(client_as):
    client = client_as("bob")
    flow_to_summary(client, employee_name="Skal ignoreres")
    assert (
        'name="details-employee_name"'
        not in client.get(search_giver(client) + "opret/adgang/").content.decode()
    )


def test_a_company_holder_is_asked_for_the_employee(client_as):
    client = client_as("bob")
    giver_url = search_giver(client)
    client.post(giver_url + "opret/", {"holder-number": COMPANY.cvr})
    page = client.get(giver_url + "opret/adgang/").content.decode()
    assert "Navnet på den medarbejder adgangen er tiltænkt" in page
