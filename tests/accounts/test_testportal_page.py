"""The test portal page /testportal/ (SPEC §1, §15): test organisations and test people."""

import pytest
from django.test import Client

from adgang.accounts.models import Membership, Organisation
from adgang.audit.models import ActionLogEntry, Subject

NEW_CVR = "10000009"  # valid check digit, not a demo organisation
OTHER_NEW_CVR = "10000017"
KOMMUNE_A_CVR = "31415926"


def create_organisation(client, **overrides):
    data = {
        "action": "organisation",
        "org-cvr": NEW_CVR,
        "org-name": "Testkommune",
        "org-kind": "myndighed",
    }
    data.update(overrides)
    return client.post("/testportal/", {k: v for k, v in data.items() if v is not None})


def create_person(client, **overrides):
    data = {
        "action": "person",
        "person-cvr": KOMMUNE_A_CVR,
        "person-rid": "5001",
        "person-name": "Tove Testesen",
        "person-rights": ["statistikadministrator", "systemadministrator"],
    }
    data.update(overrides)
    return client.post("/testportal/", {k: v for k, v in data.items() if v is not None})


@pytest.fixture
def client():
    return Client()


# --- Organisations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_testportal_page_offers_both_forms(client):
    response = client.get("/testportal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Opret testorganisation" in html
    assert "Opret testperson" in html


@pytest.mark.django_db
def test_valid_organisation_is_created_and_listed(client):
    response = create_organisation(client, **{"org-cvr": "DK 1000 0009"})
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.cvr, organisation.name, organisation.kind) == (
        NEW_CVR,
        "Testkommune",
        "myndighed",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Organisationen Testkommune er oprettet." in page
    assert 'data-testid="test-organisations"' in page
    assert "Testkommune (CVR: 10000009)" in page


@pytest.mark.django_db
def test_created_organisation_is_written_to_its_action_log(client):
    create_organisation(client)
    entry = ActionLogEntry.objects.get()
    assert entry.organisation == Organisation.objects.get(cvr=NEW_CVR)
    assert (entry.actor, entry.subject, entry.event, entry.object_id) == (
        "Testportal",
        Subject.BRUGER,
        "Oprettet",
        NEW_CVR,
    )
    assert entry.after == "Testkommune (Myndighed)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cvr", "message"),
    [
        ("", "Dette felt er påkrævet."),
        ("1234567", "CVR-nummeret skal bestå af 8 cifre."),
        ("123456789", "CVR-nummeret skal bestå af 8 cifre."),
        ("1234567a", "CVR-nummeret skal bestå af 8 cifre."),
        ("01234567", "CVR-nummeret kan ikke begynde med 0."),
        ("31415927", "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
    ],
)
def test_invalid_cvr_is_refused_next_to_the_field_and_nothing_saved(
    client, field_error, row_counts, cvr, message
):
    before = row_counts()
    response = create_organisation(client, **{"org-cvr": cvr})
    assert response.status_code == 400
    assert field_error(response, "id_org-cvr") == message
    assert row_counts() == before


@pytest.mark.django_db
def test_refused_organisation_keeps_what_was_typed(client):
    response = create_organisation(client, **{"org-cvr": "31415927", "org-name": "Min kommune"})
    html = response.content.decode()
    assert 'value="31415927"' in html
    assert 'value="Min kommune"' in html


def test_duplicate_cvr_is_refused_and_nothing_saved(personas, client, field_error, row_counts):
    before = row_counts()
    response = create_organisation(client, **{"org-cvr": KOMMUNE_A_CVR, "org-name": "Kopi"})
    assert response.status_code == 400
    assert field_error(response, "id_org-cvr") == (
        "Der findes allerede en organisation med CVR-nummer 31415926."
    )
    assert row_counts() == before
    assert Organisation.objects.get(cvr=KOMMUNE_A_CVR).name == "Kommune A"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"org-name": None}, "id_org-name", "Dette felt er påkrævet."),
        ({"org-name": "   "}, "id_org-name", "Dette felt er påkrævet."),
        ({"org-kind": None}, "id_org-kind", "Dette felt er påkrævet."),
        (
            {"org-kind": "forening"},
            "id_org-kind",
            "Marker en gyldig valgmulighed. forening er ikke en af de tilgængelige valgmuligheder.",
        ),
    ],
)
def test_missing_name_or_kind_is_refused_and_nothing_saved(
    client, field_error, row_counts, overrides, field_id, message
):
    before = row_counts()
    response = create_organisation(client, **overrides)
    assert response.status_code == 400
    assert field_error(response, field_id) == message
    assert row_counts() == before


# --- People --------------------------------------------------------------------------------


def test_valid_person_is_created_with_exactly_the_chosen_rights(personas, client):
    response = create_person(client)
    assert response.status_code == 302
    membership = Membership.objects.select_related("person").get(
        organisation__cvr=KOMMUNE_A_CVR, rid="5001"
    )
    assert membership.person.name == "Tove Testesen"
    assert membership.rights == ["statistikadministrator", "systemadministrator"]
    page = client.get(response["Location"]).content.decode()
    assert "Tove Testesen er oprettet med RID 5001." in page


def test_created_person_is_written_to_the_organisations_action_log(personas, client):
    before = ActionLogEntry.objects.count()
    create_person(client)
    assert ActionLogEntry.objects.count() == before + 1
    entry = ActionLogEntry.objects.order_by("-occurred_at").first()
    assert entry.organisation == personas.alice.organisation
    assert (entry.actor, entry.subject, entry.event) == ("Testportal", Subject.BRUGER, "Oprettet")
    assert entry.object_id == "CVR:31415926-RID:5001"
    assert entry.object_name == "Tove Testesen"
    assert entry.after == "statistikadministrator, systemadministrator"


def test_created_person_can_log_in_from_the_login_page(personas, client):
    create_person(client)
    membership = Membership.objects.get(organisation__cvr=KOMMUNE_A_CVR, rid="5001")
    assert str(membership.person_id) in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_person_for_unknown_cvr_is_refused_and_nothing_saved(client, field_error, row_counts):
    before = row_counts()
    response = create_person(client, **{"person-cvr": NEW_CVR})
    assert response.status_code == 400
    assert field_error(response, "id_person-cvr") == (
        "Der findes ingen organisation med CVR-nummer 10000009 i testportalen."
    )
    assert row_counts() == before


def test_person_with_invalid_cvr_is_refused_and_nothing_saved(
    personas, client, field_error, row_counts
):
    before = row_counts()
    response = create_person(client, **{"person-cvr": "31415927"})
    assert response.status_code == 400
    assert field_error(response, "id_person-cvr") == (
        "CVR-nummeret er ikke gyldigt (kontrolciffer)."
    )
    assert row_counts() == before


def test_unknown_right_posted_is_refused_next_to_the_field(
    personas, client, field_error, row_counts
):
    before = row_counts()
    response = create_person(client, **{"person-rights": ["systemadministrator", "superbruger"]})
    assert response.status_code == 400
    assert field_error(response, "id_person-rights") == (
        "Marker en gyldig valgmulighed. superbruger er ikke en af de tilgængelige valgmuligheder."
    )
    assert row_counts() == before


def test_rid_already_used_in_the_organisation_is_refused_and_nothing_saved(
    personas, client, field_error, row_counts
):
    before = row_counts()
    response = create_person(client, **{"person-rid": "1001", "person-name": "Anden Alice"})
    assert response.status_code == 400
    assert field_error(response, "id_person-rid") == "RID 1001 er allerede i brug i Kommune A."
    assert row_counts() == before
    assert Membership.objects.get(organisation__cvr=KOMMUNE_A_CVR, rid="1001").person.name == (
        "Alice Andersen"
    )


@pytest.mark.parametrize("rid", ["12 34", "æøå", "1234²", "-", "123456789012345678901"])
def test_malformed_rid_is_refused_and_nothing_saved(personas, client, field_error, row_counts, rid):
    before = row_counts()
    response = create_person(client, **{"person-rid": rid})
    assert response.status_code == 400
    assert field_error(response, "id_person-rid") in {
        "RID skal bestå af 1-20 bogstaver eller cifre.",
        # The form's own length limit answers first for over-long input.
        "Denne værdi må højst have 20 tegn (den har 21).",
    }
    assert row_counts() == before


def test_same_rid_in_another_organisation_is_accepted(personas, client):
    response = create_person(client, **{"person-cvr": "27182828", "person-rid": "1001"})
    assert response.status_code == 302
    assert Membership.objects.filter(rid="1001").count() == 2


@pytest.mark.parametrize("field", ["person-name", "person-rid"])
def test_person_without_name_or_rid_is_refused(personas, client, field_error, row_counts, field):
    before = row_counts()
    response = create_person(client, **{field: ""})
    assert response.status_code == 400
    assert field_error(response, f"id_{field}") == "Dette felt er påkrævet."
    assert row_counts() == before


def test_person_without_rights_is_created_with_none(personas, client):
    response = create_person(client, **{"person-rights": None})
    assert response.status_code == 302
    assert Membership.objects.get(organisation__cvr=KOMMUNE_A_CVR, rid="5001").rights == []


# --- Disabled ------------------------------------------------------------------------------


@pytest.fixture
def testportal_disabled(settings):
    settings.ADGANG_TESTPORTAL_ENABLED = False


@pytest.mark.usefixtures("testportal_disabled")
@pytest.mark.parametrize("method", ["get", "post"])
def test_disabled_testportal_answers_404(personas, client, row_counts, method):
    before = row_counts()
    response = getattr(client, method)(
        "/testportal/",
        {"action": "organisation", "org-cvr": NEW_CVR, "org-name": "X", "org-kind": "myndighed"},
    )
    assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.usefixtures("testportal_disabled")
def test_disabled_testportal_refuses_test_login(personas, client):
    response = client.post("/login/", {"person": str(personas.alice.person_id)})
    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("testportal_disabled")
def test_disabled_testportal_lists_no_test_people(personas, client):
    html = client.get("/login/").content.decode()
    assert "Alice Andersen" not in html
    assert str(personas.alice.person_id) not in html
