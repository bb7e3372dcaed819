"""Systemoversigt /systemtilslutning/ (SPEC §3 "Overview", guide §5.7)."""

from datetime import UTC, datetime

import pytest

from adgang.systems import receipts
from adgang.systems.models import Protocol
from adgang.systems.services import Activation
from tests.support.systems_details import page, system_make

URL = "/systemtilslutning/"
PAST = datetime(2024, 6, 21, 8, 30, tzinfo=UTC)


def table_rows(response) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_all("td")]
        for row in page(response).find_all("tr", data_system=True)
    ]


def names(response) -> list[str]:
    return [row[0] for row in table_rows(response)]


@pytest.fixture
def three_systems(personas):
    """An active primary receiver, an active sender with a supplier, an inactive sender."""
    receiver = system_make(
        personas.alice, name="Bravo modtager", activation=Activation.NOW, now=PAST
    ).system
    sender = system_make(
        personas.alice,
        name="Alfa afsender",
        types=("sender",),
        protocol=Protocol.REST_PULL,
        supplier_name="KMD",
        activation=Activation.NOW,
        now=datetime(2024, 7, 1, 10, 0, tzinfo=UTC),
    ).system
    idle = system_make(
        personas.alice, name="Charlie begge", types=("sender", "receiver"), now=PAST
    ).system
    return receiver, sender, idle


def test_overview_shows_the_columns_of_the_guide(client_as, three_systems):
    response = client_as("alice").get(URL)
    assert response.status_code == 200
    headers = [th.text for th in page(response).find("table").find_all("th")]
    assert headers == ["Navn", "Type", "Aktiveret", "Leverandør", "Status"]
    assert table_rows(response) == [
        ["Alfa afsender", "Afsender", "01/07/2024", "KMD", "Aktiv"],
        ["Bravo modtager", "Modtager", "21/06/2024", "-", "Aktiv Primærsystem"],
        ["Charlie begge", "Afsender, Modtager", "-", "-", "Ikke aktiveret"],
    ]


def test_overview_names_link_to_the_details_page(client_as, three_systems):
    receiver, _, _ = three_systems
    row = page(client_as("alice").get(URL)).find("tr", data_system=str(receiver.pk))
    assert row.find("a").attrs["href"] == f"/systemtilslutning/{receiver.pk}/"


def test_overview_lists_only_the_acting_organisations_systems(personas, client_as, three_systems):
    system_make(personas.maja, name="Kommune M's modtager")
    assert names(client_as("alice").get(URL)) == [
        "Alfa afsender",
        "Bravo modtager",
        "Charlie begge",
    ]
    assert names(client_as("maja").get(URL)) == ["Kommune M's modtager"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alfa afsender", "Bravo modtager", "Charlie begge"]),
        ("?type=afsender", ["Alfa afsender", "Charlie begge"]),
        ("?type=modtager", ["Bravo modtager", "Charlie begge"]),
        ("?type=afsender&type=modtager", ["Alfa afsender", "Bravo modtager", "Charlie begge"]),
        ("?type=nonsense", ["Alfa afsender", "Bravo modtager", "Charlie begge"]),
    ],
)
def test_overview_filters_by_sender_and_receiver(client_as, three_systems, query, expected):
    assert names(client_as("alice").get(URL + query)) == expected


def test_overview_filter_checkboxes_keep_their_state(client_as, three_systems):
    form = page(client_as("alice").get(URL + "?type=modtager")).find(
        "form", data_testid="overview-filter"
    )
    assert form.attrs["method"] == "get"
    assert "checked" in form.find("input", id="filter-modtager").attrs
    assert "checked" not in form.find("input", id="filter-afsender").attrs


@pytest.mark.parametrize(
    ("sort", "expected", "column", "aria"),
    [
        ("navn", ["Alfa afsender", "Bravo modtager", "Charlie begge"], "navn", "ascending"),
        ("-navn", ["Charlie begge", "Bravo modtager", "Alfa afsender"], "navn", "descending"),
        # is_sender then is_receiver ascending: receiver only, sender only, both.
        ("type", ["Bravo modtager", "Alfa afsender", "Charlie begge"], "type", "ascending"),
        # "KMD" first, then the ones without a supplier by name, also descending.
        (
            "-leverandoer",
            ["Alfa afsender", "Charlie begge", "Bravo modtager"],
            "leverandoer",
            "descending",
        ),
        ("status", ["Alfa afsender", "Bravo modtager", "Charlie begge"], "status", "ascending"),
    ],
)
def test_overview_sorts_by_a_column_and_says_so(
    client_as, three_systems, sort, expected, column, aria
):
    response = client_as("alice").get(f"{URL}?sort={sort}")
    assert names(response) == expected
    sorted_headers = page(response).find_all("th", aria_sort=True)
    assert [(th.attrs["data-column"], th.attrs["aria-sort"]) for th in sorted_headers] == [
        (column, aria)
    ]


def test_overview_sorts_by_activation_date(client_as, three_systems):
    response = client_as("alice").get(URL + "?sort=-aktiveret")
    dated = [row for row in names(response) if row != "Charlie begge"]
    assert dated == ["Alfa afsender", "Bravo modtager"]


def test_overview_sort_link_toggles_the_direction(client_as, three_systems):
    headers = page(client_as("alice").get(URL + "?sort=navn&type=afsender")).find_all("th")
    links = {th.attrs["data-column"]: th.find("a").attrs["href"] for th in headers}
    assert links["navn"] == "?type=afsender&sort=-navn&per_side=10"
    assert links["status"] == "?type=afsender&sort=status&per_side=10"


@pytest.mark.parametrize("sort", ["drop table", "-", "--navn", "name", "ssh_public_key"])
def test_overview_unknown_sort_falls_back_to_name(client_as, three_systems, sort):
    response = client_as("alice").get(URL, {"sort": sort})
    assert response.status_code == 200
    assert names(response) == ["Alfa afsender", "Bravo modtager", "Charlie begge"]


@pytest.fixture
def twelve_senders(personas):
    return [
        system_make(personas.alice, name=f"System {n:02d}", types=("sender",)).system
        for n in range(1, 13)
    ]


def test_overview_shows_ten_rows_per_page_by_default(client_as, twelve_senders):
    response = client_as("alice").get(URL)
    assert names(response) == [f"System {n:02d}" for n in range(1, 11)]
    pagination = page(response).find("nav", data_testid="pagination")
    assert [a.text for a in pagination.find_all("li")] == ["1", "2"]
    current = pagination.find("a", aria_current="page")
    assert current.text == "1"


def test_overview_second_page_has_the_rest(client_as, twelve_senders):
    assert names(client_as("alice").get(URL + "?side=2")) == ["System 11", "System 12"]


@pytest.mark.parametrize(
    ("side", "first"),
    [("99", "System 11"), ("abc", "System 01"), ("0", "System 11"), ("-1", "System 11")],
)
def test_overview_invalid_page_shows_the_last_or_first_page(client_as, twelve_senders, side, first):
    response = client_as("alice").get(URL, {"side": side})
    assert response.status_code == 200
    assert names(response)[0] == first


@pytest.mark.parametrize(
    ("per_side", "count"), [("25", 12), ("10", 10), ("7", 10), ("x", 10), ("100", 12)]
)
def test_overview_rows_per_page(client_as, twelve_senders, per_side, count):
    response = client_as("alice").get(URL, {"per_side": per_side})
    assert len(names(response)) == count
    selected = page(response).find("select", id="per-side").find("option", selected=True)
    assert selected.text == ("25" if per_side == "25" else "100" if per_side == "100" else "10")


def test_overview_page_links_keep_filter_sort_and_size(client_as, twelve_senders):
    response = client_as("alice").get(URL + "?type=afsender&sort=-navn&per_side=10")
    link = page(response).find("nav", data_testid="pagination").find("a", aria_label="Side 2")
    assert link.attrs["href"] == "?type=afsender&sort=-navn&per_side=10&side=2"
    assert names(client_as("alice").get(URL + link.attrs["href"])) == ["System 02", "System 01"]


def test_overview_empty_state_invites_to_create_a_system(client_as, personas):
    response = client_as("alice").get(URL)
    assert "endnu ikke tilsluttet nogen systemer" in page(response).find(data_testid="empty").text
    assert page(response).find("a", data_testid="create-system").attrs["href"] == (
        "/systemtilslutning/opret/"
    )


def test_overview_filter_without_matches_says_so(client_as, personas):
    system_make(personas.alice, name="Kun afsender", types=("sender",))
    response = client_as("alice").get(URL + "?type=modtager")
    assert page(response).find(data_testid="empty").text == (
        "Ingen systemer passer til det valgte filter."
    )


def test_overview_offers_the_download(client_as, three_systems):
    link = page(client_as("alice").get(URL + "?type=afsender&side=2")).find(
        "a", data_testid="download-overview"
    )
    assert link.text == "Download systemoversigt"
    assert link.attrs["href"] == "/systemtilslutning/download/?type=afsender&sort=navn"


def test_overview_links_suppliers_to_their_standard_systems(personas, client_as):
    supplier = personas.sune.organisation
    supplier.is_system_supplier = True
    supplier.save(update_fields=["is_system_supplier"])
    link = page(client_as("sune").get(URL)).find("a", data_testid="supplier-templates")
    assert link.text == "Standard leverandørsystemer"
    assert link.attrs["href"] == "/systemtilslutning/standardsystemer/"


def test_overview_has_no_supplier_link_for_others(client_as, personas):
    assert page(client_as("alice").get(URL)).find("a", data_testid="supplier-templates") is None


def test_visiting_the_overview_forgets_kept_api_keys(client_as, personas):
    client = client_as("alice")
    created = system_make(personas.alice)
    session = client.session
    session[receipts.SESSION_KEY] = {
        str(created.system.pk): {"key": created.api_key, "until": "9999-01-01T00:00:00+00:00"}
    }
    session.save()
    client.get(URL)
    assert client.session[receipts.SESSION_KEY] == {}


def test_overview_needs_the_systemadministrator_right(client_as):
    assert client_as("charlie").get(URL).status_code == 403
