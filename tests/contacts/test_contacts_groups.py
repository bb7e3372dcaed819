"""Contact group pages: create, edit and details (SPEC §4 "Contact group", guide §6.4, §6.6)."""

import pytest

from adgang.contacts.models import ContactGroup, ContactPoint, GroupInGroup, Target
from tests.support.contacts_factories import build, log_fields, snapshot
from tests.support.systems_details import page

CREATE_URL = "/kontaktstruktur/gruppe/opret/"


def detail_url(group) -> str:
    return f"/kontaktstruktur/gruppe/{group.pk}/"


def edit_url(group) -> str:
    return f"/kontaktstruktur/gruppe/{group.pk}/rediger/"


def counter(response, name: str) -> str:
    """The character counter of field `name` as read: "4/50 Tegn"."""
    node = page(response).find(data_testid=f"counter-{name}")
    return node.text.replace(" /", "/")


def field_error(response, name: str) -> str:
    """The error shown in the form group of field `name` ("" if none)."""
    for group in page(response).find_all("div"):
        classes = group.attrs.get("class", "").split()
        if "form-group" in classes and group.find(id=f"id_{name}") is not None:
            error = group.find(class_="form-error-message")
            return error.text.removeprefix("Fejl:").strip() if error else ""
    raise AssertionError(f"no field {name}")


def form_data(**overrides) -> dict:
    data = {"name": "Borgerservice", "description": "Pas, kørekort og flytning."}
    data.update(overrides)
    return data


@pytest.fixture
def structure(personas):
    """Borgerservice → Pas → Fornyelse (group) ; Teknik; points below Pas."""
    return build(
        personas.alice.organisation,
        groups=["Borgerservice", "Pas", "Fornyelse", "Teknik"],
        points=["Fornyelse af pas", "Bortkommet pas", "Byggesag"],
        edges=[
            ("Borgerservice", "Pas"),
            ("Pas", "Fornyelse"),
            ("Fornyelse", "Fornyelse af pas"),
            ("Pas", "Bortkommet pas"),
            ("Teknik", "Byggesag"),
        ],
    )


# -- create --------------------------------------------------------------------------------


def test_create_page_shows_the_guides_fields_and_counters(client_as, personas):
    response = client_as("alice").get(CREATE_URL)
    assert response.status_code == 200
    html = page(response)
    assert html.find("h1").text == "Opret kontaktgruppe"
    labels = [label.text for label in html.find_all("label")]
    assert "Kontaktgruppens navn" in labels[0]
    assert "Kontaktgruppens beskrivelse" in labels[1]
    assert "Ja, kontaktgruppen er en organisatorisk enhed" in labels
    assert "Er kontaktgruppen en organisatorisk enhed?" in html.find("legend").text
    assert counter(response, "name") == "0/50 Tegn"
    assert counter(response, "description") == "0/255 Tegn"
    assert html.find(data_testid="save").text == "Opret gruppe"
    assert html.find(data_testid="cancel").attrs["href"] == "/kontaktstruktur/"


def test_create_makes_the_group_under_its_parents_and_logs_it(client_as, personas, structure):
    parents = [str(structure["Borgerservice"].pk), str(structure["Teknik"].pk)]
    client = client_as("alice")
    response = client.post(
        CREATE_URL,
        form_data(name="Flytning", organisational_unit="on", parents=parents),
    )
    group = ContactGroup.objects.get(organisation=personas.alice.organisation, name="Flytning")
    assert response.status_code == 302
    assert response.url == detail_url(group)
    assert group.organisational_unit is True
    assert set(GroupInGroup.objects.filter(child=group).values_list("parent__name", flat=True)) == {
        "Borgerservice",
        "Teknik",
    }
    logged = log_fields(personas.alice.organisation, group.pk)
    assert logged["Kontaktgruppens navn"] == ("", "Flytning")
    assert logged["Overordnede grupper"] == ("", "Borgerservice, Teknik")
    assert logged["Organisatorisk enhed"] == ("", "Ja")
    shown = client.get(response.url)
    assert "Kontaktgruppen »Flytning« er oprettet." in page(shown).find(data_testid="messages").text


def test_create_without_parents_puts_the_group_at_the_top(client_as, personas):
    client_as("alice").post(CREATE_URL, form_data())
    group = ContactGroup.objects.get(name="Borgerservice")
    assert not GroupInGroup.objects.filter(child=group).exists()
    assert group.organisational_unit is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 51, "Navnet må højst være 50 tegn (du har skrevet 51)."),
        ("name", "", "Giv kontaktgruppen et navn."),
        ("description", "x" * 256, "255 tegn"),
        ("description", "  ", "Giv kontaktgruppen en beskrivelse."),
    ],
)
def test_create_refuses_bad_values_next_to_the_field(
    client_as, personas, structure, field, value, message
):
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(CREATE_URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert snapshot(personas.alice.organisation) == before
    # The input is kept, and the counter shows what was typed.
    if value.strip():
        assert counter(response, field).startswith(f"{len(value)}/")


def test_create_refuses_a_parent_of_another_organisation(client_as, personas, structure):
    foreign = build(personas.maja.organisation, groups=["Kommune M gruppe"])["Kommune M gruppe"]
    before = snapshot(personas.alice.organisation), snapshot(personas.maja.organisation)
    response = client_as("alice").post(CREATE_URL, form_data(parents=[str(foreign.pk)]))
    assert response.status_code == 200
    assert field_error(response, "parents") == "Den valgte kontaktgruppe findes ikke."
    assert (snapshot(personas.alice.organisation), snapshot(personas.maja.organisation)) == before


def test_create_refuses_a_malformed_parent_id(client_as, personas, structure):
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(CREATE_URL, form_data(parents=["not-a-group"]))
    assert response.status_code == 200
    assert field_error(response, "parents") == "Den valgte kontaktgruppe findes ikke."
    assert snapshot(personas.alice.organisation) == before


# -- edit ----------------------------------------------------------------------------------


def test_edit_page_is_filled_in_and_offers_no_descendant(client_as, structure):
    response = client_as("alice").get(edit_url(structure["Pas"]))
    html = page(response)
    assert html.find("h1").text == "Redigér kontaktgruppe"
    assert html.find("input", id="id_name").attrs["value"] == "Pas"
    assert counter(response, "name") == "3/50 Tegn"
    options = {
        o.text: "selected" in o.attrs
        for o in html.find("select", id="id_parents").find_all("option")
    }
    # Not itself, not Fornyelse (below it); Borgerservice chosen.
    assert options == {"Borgerservice": True, "Teknik": False}
    assert html.find(data_testid="save").text == "Gem"
    assert html.find(data_testid="cancel").attrs["href"] == detail_url(structure["Pas"])


def test_edit_saves_fields_and_parents_and_logs_before_and_after(client_as, personas, structure):
    pas = structure["Pas"]
    response = client_as("alice").post(
        edit_url(pas),
        form_data(name="Pas og kørekort", description="Ny", parents=[str(structure["Teknik"].pk)]),
    )
    assert response.status_code == 302 and response.url == detail_url(pas)
    pas.refresh_from_db()
    assert (pas.name, pas.description) == ("Pas og kørekort", "Ny")
    assert list(GroupInGroup.objects.filter(child=pas).values_list("parent__name", flat=True)) == [
        "Teknik"
    ]
    logged = log_fields(personas.alice.organisation, pas.pk)
    assert logged["Kontaktgruppens navn"] == ("Pas", "Pas og kørekort")
    assert logged["Overordnede grupper"] == ("Borgerservice", "Teknik")
    assert logged["Kontaktgruppens beskrivelse"] == ("Om Pas", "Ny")


def test_edit_without_changes_saves_nothing(client_as, personas, structure):
    pas = structure["Pas"]
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(
        edit_url(pas),
        form_data(name="Pas", description="Om Pas", parents=[str(structure["Borgerservice"].pk)]),
    )
    assert response.status_code == 302
    assert snapshot(personas.alice.organisation) == before


@pytest.mark.parametrize("below", ["Pas", "Fornyelse"])
def test_edit_refuses_a_crafted_cycle_next_to_the_field(client_as, personas, structure, below):
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(
        edit_url(structure["Borgerservice"]),
        form_data(parents=[str(structure[below].pk)]),
    )
    assert response.status_code == 200
    assert field_error(response, "parents") == (
        "En kontaktgruppe kan ikke placeres under sig selv eller en af sine undergrupper."
    )
    assert snapshot(personas.alice.organisation) == before


def test_edit_refuses_the_group_as_its_own_parent(client_as, personas, structure):
    before = snapshot(personas.alice.organisation)
    group = structure["Teknik"]
    response = client_as("alice").post(edit_url(group), form_data(parents=[str(group.pk)]))
    assert "under sig selv" in field_error(response, "parents")
    assert snapshot(personas.alice.organisation) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 51, "Navnet må højst være 50 tegn (du har skrevet 51)."),
        ("description", "x" * 256, "255 tegn"),
    ],
)
def test_edit_refuses_bad_values_next_to_the_field(
    client_as, personas, structure, field, value, message
):
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(edit_url(structure["Pas"]), form_data(**{field: value}))
    assert message in field_error(response, field)
    assert snapshot(personas.alice.organisation) == before


def test_edit_refuses_a_parent_of_another_organisation(client_as, personas, structure):
    foreign = build(personas.maja.organisation, groups=["M"])["M"]
    before = snapshot(personas.alice.organisation)
    response = client_as("alice").post(
        edit_url(structure["Pas"]), form_data(name="Pas", parents=[str(foreign.pk)])
    )
    assert field_error(response, "parents") == "Den valgte kontaktgruppe findes ikke."
    assert snapshot(personas.alice.organisation) == before


# -- details -------------------------------------------------------------------------------


def test_details_show_fields_parents_and_content(client_as, structure):
    pas = structure["Pas"]
    html = page(client_as("alice").get(detail_url(pas)))
    assert html.find(data_testid="group-heading").text == "Kontaktgruppe - Pas"
    fields = html.find(data_testid="group-fields")
    assert fields.find("tr", data_row="name").find("td").text == "Pas"
    assert fields.find("tr", data_row="organisational_unit").find("td").text == "Ikke valgt"
    assert fields.find("tr", data_row="parents").find("td").text == "Borgerservice"
    content = [li.text for li in html.find(data_testid="group-content").find_all("li")]
    assert content == ["Kontaktgruppe: Fornyelse", "Kontaktpunkt: Bortkommet pas"]
    actions = {
        a.text: a.attrs["href"] for a in html.find(data_testid="group-actions").find_all("a")
    }
    assert actions == {"Redigér": edit_url(pas), "Slet gruppe": f"{detail_url(pas)}slet/"}


def test_details_derive_accessibility_from_active_points_below(client_as, structure):
    ContactPoint.objects.filter(pk=structure["Fornyelse af pas"].pk).update(
        targets=[Target.AUTHORITY, Target.CITIZEN], visible=False
    )
    ContactPoint.objects.filter(pk=structure["Bortkommet pas"].pk).update(
        targets=[Target.COMPANY], active=False
    )
    html = page(client_as("alice").get(detail_url(structure["Borgerservice"])))
    access = html.find(data_testid="group-accessibility")
    assert access.find("tr", data_row="targets").find("td").text == "Borger, Myndighed"
    assert access.find("tr", data_row="visible").find("td").text == "Nej"
    # No point is both active and visible: no deep links.
    assert html.find(data_testid="no-deep-links") is not None
    assert html.find(data_testid="deep-link-url") is None


def test_details_show_a_deep_link_with_an_inline_qr_code_per_target(
    client_as, personas, structure, settings
):
    settings.ADGANG_DEEPLINK_CITIZEN_BASE = "https://post.borger.example"
    settings.ADGANG_DEEPLINK_BUSINESS_BASE = "https://virk.example"
    ContactPoint.objects.filter(pk=structure["Fornyelse af pas"].pk).update(
        targets=[Target.CITIZEN, Target.COMPANY]
    )
    group = structure["Pas"]
    response = client_as("alice").get(detail_url(group))
    html = page(response)
    links = html.find(data_testid="deep-links").find_all("div", class_="contacts-deeplink")
    org = personas.alice.organisation.pk
    assert [link.find(data_testid="deep-link-url").text for link in links] == [
        f"https://post.borger.example/contact/{org}/{group.pk}/",
        f"https://virk.example/contact/{org}/{group.pk}/",
    ]
    assert [link.find("h3").text for link in links] == [
        "Dybt link (borger)",
        "Dybt link (virksomhed)",
    ]
    for link in links:
        svg = link.find("svg")
        assert svg is not None and svg.attrs["role"] == "img"
        assert svg.find("path") is not None
    content = response.content.decode()
    assert "<?xml" not in content and " style=" not in content  # valid inline, strict CSP


def test_details_of_an_empty_group(client_as, structure):
    html = page(client_as("alice").get(detail_url(structure["Fornyelse"]) + ""))
    assert html.find(data_testid="group-content") is not None
    empty = build(structure.organisation, groups=["Tom"])["Tom"]
    html = page(client_as("alice").get(detail_url(empty)))
    assert html.find(data_testid="group-content-empty").text == "Kontaktgruppen er tom."
    assert (
        html.find(data_testid="group-accessibility").find("tr", data_row="targets").find("td").text
        == "-"
    )


@pytest.mark.parametrize("url", [CREATE_URL, "detail", "edit"])
@pytest.mark.parametrize("persona", ["birgitte", "charlie"])
def test_group_pages_refuse_companies_and_people_without_the_right(
    client_as, structure, url, persona
):
    target = {"detail": detail_url, "edit": edit_url}.get(url, lambda _: url)(structure["Pas"])
    assert client_as(persona).get(target).status_code == 403


def test_details_queries_do_not_grow_with_the_points_below(
    client_as, personas, structure, django_assert_max_num_queries
):
    big = build(
        personas.alice.organisation,
        groups=["Stor"],
        points=[f"Punkt {i}" for i in range(60)],
        edges=[("Stor", f"Punkt {i}") for i in range(60)],
    )
    GroupInGroup.objects.create(parent=structure["Pas"], child=big["Stor"])
    client = client_as("alice")
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(structure["Borgerservice"]))
    assert len(page(response).find_all("div", class_="contacts-deeplink")) == 1
