"""The context switch /skift-kontekst/ (SPEC §2 "Skift virksomhed", guide §12, §14.1)."""

import uuid

import pytest

from adgang.accounts.models import Membership, Organisation
from adgang.audit.models import ActionLogEntry, Register, SearchLogEntry, Subject
from adgang.registers.registry import get_register

KOMMUNE_A = "Kommune A (CVR: 31415926)"
KOMMUNE_M = "Kommune M (CVR: 27182828)"
UNKNOWN_CVR = "10000009"  # valid check digit, in no register


def kontekst_entries():
    return ActionLogEntry.objects.filter(subject=Subject.KONTEKST)


@pytest.fixture
def header_org(text_of):
    """`header_org(client)` → the organisation the header says the client acts for."""
    return lambda client: text_of(client.get("/oversigt/").content.decode(), "header-org")


def switch(client, organisation_id):
    return client.post("/skift-kontekst/", {"organisation": str(organisation_id)})


def search(client, cvr):
    return client.post("/skift-kontekst/", {"search": "1", "cvr": cvr})


def acting_ids(client) -> tuple[object, object]:
    session = client.session
    return session.get("adgang_organisation_id"), session.get("adgang_membership_id")


# --- A person employed by several organisations --------------------------------------------


def test_dialog_lists_the_organisations_the_person_may_act_for(personas, client_as):
    html = client_as("morten").get("/skift-kontekst/").content.decode()
    assert f'value="{personas.morten.organisation_id}" checked' in html
    assert f'value="{personas.morten_m.organisation_id}"' in html
    assert KOMMUNE_A in html
    assert KOMMUNE_M in html
    assert html.count('name="organisation"') == 2


def test_switch_acts_for_the_other_organisation_with_that_membership(personas, client_as):
    client = client_as("morten")
    response = switch(client, personas.morten_m.organisation_id)
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"
    assert acting_ids(client) == (str(personas.morten_m.organisation_id), personas.morten_m.pk)
    html = client.get("/oversigt/").content.decode()
    assert "Du agerer nu på vegne af Kommune M." in html
    assert KOMMUNE_M in html
    assert "Systemadministrator, Logadministrator – meddelelser" in html
    # His Kommune M rights open the event log; his Kommune A rights do not.
    assert 'data-tab="haendelseslog"' in html
    assert client.get("/haendelseslog/").status_code == 200


def test_switch_is_logged_once_in_the_new_organisations_log(personas, client_as):
    client = client_as("morten")
    switch(client, personas.morten_m.organisation_id)
    entry = kontekst_entries().get()
    assert entry.organisation_id == personas.morten_m.organisation_id
    assert entry.actor == "CVR:27182828-RID:2009"
    assert (entry.before, entry.after) == ("Kommune A (31415926)", "Kommune M (27182828)")


def test_switch_back_acts_with_the_first_membership_again(personas, client_as):
    client = client_as("morten")
    switch(client, personas.morten_m.organisation_id)
    switch(client, personas.morten.organisation_id)
    assert acting_ids(client) == (str(personas.morten.organisation_id), personas.morten.pk)
    assert client.get("/haendelseslog/").status_code == 403
    assert kontekst_entries().count() == 2


def test_choosing_the_current_organisation_changes_and_logs_nothing(personas, client_as):
    client = client_as("morten")
    response = switch(client, personas.morten.organisation_id)
    assert response.status_code == 302
    assert acting_ids(client) == (str(personas.morten.organisation_id), personas.morten.pk)
    assert not kontekst_entries().exists()


def test_switch_starts_a_new_session_key(personas, client_as):
    client = client_as("morten")
    before = client.session.session_key
    switch(client, personas.morten_m.organisation_id)
    assert client.session.session_key != before


# --- Refusals ------------------------------------------------------------------------------


def test_person_with_one_organisation_is_not_offered_a_choice(personas, client_as):
    html = client_as("alice").get("/skift-kontekst/").content.decode()
    assert 'name="organisation"' not in html
    assert "Du kan kun agere på vegne af din egen organisation." in html


def test_switch_to_an_organisation_one_is_not_employed_by_answers_403(
    personas, client_as, header_org
):
    client = client_as("alice")
    response = switch(client, personas.maja.organisation_id)
    assert response.status_code == 403
    assert "Du kan ikke agere på vegne af denne organisation." in response.content.decode()
    assert not kontekst_entries().exists()
    assert acting_ids(client) == (str(personas.alice.organisation_id), personas.alice.pk)
    assert header_org(client) == KOMMUNE_A


def test_switch_to_a_forged_organisation_id_answers_403(personas, client_as, header_org):
    client = client_as("morten")
    response = switch(client, uuid.uuid4())
    assert response.status_code == 403
    assert not kontekst_entries().exists()
    assert header_org(client) == KOMMUNE_A


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Vælg den organisation, du vil agere på vegne af."),
        ("1", "Indtast et gyldigt UUID."),
        ("'; DROP TABLE accounts_organisation; --", "Indtast et gyldigt UUID."),
    ],
)
def test_switch_with_a_malformed_organisation_id_is_a_form_error(
    personas, client_as, value, message, text_of, header_org
):
    client = client_as("morten")
    response = switch(client, value)
    assert response.status_code == 400
    html = response.content.decode()
    assert text_of(html, "org-error") == f"Fejl: {message}"
    assert html.count('aria-invalid="true"') == 2  # both of Morten's organisations
    assert not kontekst_entries().exists()
    assert header_org(client) == KOMMUNE_A


def test_forged_organisation_in_the_session_answers_403_and_logs_out(personas, client_as):
    client = client_as("alice")
    session = client.session
    session["adgang_organisation_id"] = str(personas.maja.organisation_id)
    session.save()
    response = client.get("/oversigt/")
    assert response.status_code == 403
    assert "Kommune M" not in response.content.decode()
    assert client.get("/oversigt/")["Location"] == "/login/?next=/oversigt/"


def test_forged_membership_in_the_session_answers_403_and_logs_out(personas, client_as):
    client = client_as("alice")
    session = client.session
    session["adgang_membership_id"] = personas.maja.pk
    session["adgang_organisation_id"] = str(personas.maja.organisation_id)
    session.save()
    assert client.get("/oversigt/").status_code == 403
    assert client.get("/oversigt/").status_code == 302


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("adgang_membership_id", "abc"),
        ("adgang_membership_id", None),
        ("adgang_organisation_id", "abc"),
        ("adgang_organisation_id", 42),
    ],
)
def test_garbage_in_the_session_answers_403_and_logs_out(personas, client_as, key, value):
    client = client_as("dorte")  # a Systemforvalter: any organisation id is looked up
    session = client.session
    session[key] = value
    session.save()
    assert client.get("/oversigt/").status_code == 403
    assert client.get("/oversigt/").status_code == 302


def test_membership_removed_meanwhile_ends_the_session(personas, client_as):
    client = client_as("morten")
    switch(client, personas.morten_m.organisation_id)
    Membership.objects.filter(pk=personas.morten_m.pk).delete()
    assert client.get("/oversigt/").status_code == 403
    assert client.get("/oversigt/").status_code == 302


# --- Systemforvalter -----------------------------------------------------------------------


def test_systemforvalter_is_offered_the_cvr_search(personas, client_as):
    html = client_as("dorte").get("/skift-kontekst/").content.decode()
    assert "Skift kontekst som systemforvalter" in html
    assert 'name="cvr"' in html


def test_systemforvalter_finds_a_connected_organisation_by_cvr(personas, client_as, text_of):
    client = client_as("dorte")
    response = search(client, "31 41 59 26")
    assert response.status_code == 200
    html = response.content.decode()
    info = text_of(html, "org-info")
    assert "Kommune A" in info
    assert "31415926" in info
    assert "Tilmeldt Digital Post" in info
    assert "Ikke tilmeldt" not in info
    assert f'name="organisation" value="{personas.alice.organisation_id}"' in html


def test_systemforvalter_search_is_written_to_the_search_log(personas, client_as):
    search(client_as("dorte"), "31415926")
    entry = SearchLogEntry.objects.get()
    assert entry.organisation_id == personas.dorte.organisation_id
    assert entry.actor == "CVR:34051178-RID:9001"
    assert (entry.register, entry.search_data, entry.result_count) == (
        Register.CVR,
        "31415926",
        1,
    )
    assert entry.register == "CVR-register"


def test_company_in_the_cvr_register_but_not_here_is_shown_without_ok(personas, client_as, text_of):
    known = {o.cvr for o in Organisation.objects.all()}
    company = next(c for c in get_register().companies() if c.cvr not in known)
    response = search(client_as("dorte"), company.cvr)
    html = response.content.decode()
    info = text_of(html, "org-info")
    assert company.name in info
    assert company.cvr in info
    assert "Ikke tilmeldt Digital Post" in info
    assert 'name="organisation"' not in html
    assert SearchLogEntry.objects.get().result_count == 1


def test_unknown_cvr_says_so_next_to_the_field_and_is_logged_with_no_results(
    personas, client_as, field_error, text_of
):
    assert get_register().lookup_company(UNKNOWN_CVR) is None
    response = search(client_as("dorte"), UNKNOWN_CVR)
    assert response.status_code == 400
    assert field_error(response, "id_cvr") == "CVR-nummeret findes ikke i CVR-registret."
    assert text_of(response.content.decode(), "org-info") is None
    entry = SearchLogEntry.objects.get()
    assert (entry.search_data, entry.result_count) == (UNKNOWN_CVR, 0)


@pytest.mark.parametrize(
    ("cvr", "message"),
    [
        ("", "Dette felt er påkrævet."),
        ("3141592", "CVR-nummeret skal bestå af 8 cifre."),
        ("0141592x", "CVR-nummeret skal bestå af 8 cifre."),
        ("31415927", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
    ],
)
def test_invalid_cvr_is_a_field_error_and_not_a_logged_search(
    personas, client_as, field_error, cvr, message
):
    response = search(client_as("dorte"), cvr)
    assert response.status_code == 400
    assert field_error(response, "id_cvr") == message
    assert f'value="{cvr}"' in response.content.decode() or not cvr
    assert not SearchLogEntry.objects.exists()


def test_systemforvalter_confirms_and_acts_with_her_own_identity(personas, client_as, text_of):
    client = client_as("dorte")
    response = switch(client, personas.alice.organisation_id)
    assert response.status_code == 302
    assert acting_ids(client) == (str(personas.alice.organisation_id), personas.dorte.pk)
    html = client.get("/oversigt/").content.decode()
    assert text_of(html, "header-org") == KOMMUNE_A
    assert "Dorte Dahl" in html
    assert text_of(html, "header-rights") == "Systemforvalter"
    entry = kontekst_entries().get()
    assert entry.organisation_id == personas.alice.organisation_id
    assert entry.actor == "CVR:34051178-RID:9001"
    assert (entry.actor_cvr, entry.actor_rid) == ("34051178", "9001")
    assert entry.after == "Kommune A (31415926)"


def test_systemforvalter_returns_to_her_own_organisation_by_cvr(personas, client_as):
    client = client_as("dorte")
    switch(client, personas.alice.organisation_id)
    html = search(client, "34051178").content.decode()
    assert f'name="organisation" value="{personas.dorte.organisation_id}"' in html
    switch(client, personas.dorte.organisation_id)
    assert acting_ids(client) == (str(personas.dorte.organisation_id), personas.dorte.pk)
    assert kontekst_entries().count() == 2


def test_systemforvalter_gets_none_of_the_organisations_rights(personas, client_as):
    client = client_as("dorte")
    switch(client, personas.alice.organisation_id)
    assert client.get("/systemtilslutning/").status_code == 403


def test_systemforvalter_who_loses_the_right_is_logged_out_of_the_foreign_context(
    personas, client_as
):
    client = client_as("dorte")
    switch(client, personas.alice.organisation_id)
    Membership.objects.filter(pk=personas.dorte.pk).update(rights=[])
    assert client.get("/oversigt/").status_code == 403
    assert client.get("/oversigt/").status_code == 302


def test_search_by_someone_not_systemforvalter_answers_403(personas, client_as):
    response = search(client_as("morten"), "27182828")
    assert response.status_code == 403
    assert not SearchLogEntry.objects.exists()
