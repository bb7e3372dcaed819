"""Kontaktstruktur overview /kontaktstruktur/ (SPEC §4 "Overview", guide §6.3 step 1, §6.5)."""

import itertools

import pytest

from adgang.contacts.models import ContactGroup, ContactPoint, GroupInGroup, PointInGroup, Target
from tests.support.contacts_factories import build, receiver_new
from tests.support.systems_details import page

URL = "/kontaktstruktur/"


def rows(response) -> list[tuple[int, str]]:
    """(depth, name) of every tree row shown."""
    return [
        (int(tr.attrs["data-depth"]), tr.find(data_testid="name").text)
        for tr in page(response).find_all("tr", data_node=True)
    ]


def cells(response, name: str) -> list[str]:
    for tr in page(response).find_all("tr", data_node=True):
        if tr.find(data_testid="name").text == name:
            return [td.text for td in tr.find_all("td")][:5]
    raise AssertionError(f"no row {name}")


@pytest.fixture
def tree(personas):
    """Borgerservice → Pas → (Fornyelse af pas); Borgerservice → Kørekort (point); a shared
    point in Pas and at the top; a lone top-level group; a hidden inactive point."""
    organisation = personas.alice.organisation
    system = receiver_new(personas.alice, name="Fagsystem")
    built = build(
        organisation,
        groups=["Borgerservice", "Pas", "Teknik"],
        points=["Fornyelse af pas", "Kørekort", "Flytning"],
        edges=[
            ("Borgerservice", "Pas"),
            ("Pas", "Fornyelse af pas"),
            ("Borgerservice", "Kørekort"),
            ("Pas", "Flytning"),
        ],
    )
    ContactPoint.objects.filter(pk=built["Kørekort"].pk).update(
        visible=False, active=False, targets=[Target.COMPANY, Target.CITIZEN], system=system
    )
    ContactPoint.objects.filter(pk=built["Fornyelse af pas"].pk).update(system=system)
    return built


def test_overview_shows_heading_intro_and_top_menu(client_as, tree):
    response = client_as("alice").get(URL)
    assert response.status_code == 200
    html = page(response)
    assert html.find("h1").text == "Kontaktstruktur"
    assert "Din organisations kontaktstruktur består af kontaktpunkter" in html.text
    menu = {a.text: a.attrs["href"] for a in html.find(data_testid="contacts-menu").find_all("a")}
    assert menu == {
        "Opret kontaktpunkt": "/kontaktstruktur/kontaktpunkt/opret/",
        "Opret kontaktgruppe": "/kontaktstruktur/gruppe/opret/",
        "Eksportér kontaktstruktur": "/kontaktstruktur/eksport/",
        "Importér kontaktstruktur": "/kontaktstruktur/import/",
    }


def test_overview_shows_the_top_level_collapsed_groups_first(client_as, tree):
    response = client_as("alice").get(URL)
    headers = [th.text for th in page(response).find("table").find_all("th")]
    assert headers[:5] == ["Navn", "Målgruppe", "Synlighed", "Modtagersystem", "Status"]
    assert rows(response) == [(0, "Borgerservice"), (0, "Teknik")]


def test_overview_expands_a_group_through_the_get_parameter(client_as, tree):
    response = client_as("alice").get(URL, {"aaben": [str(tree["Borgerservice"].pk)]})
    assert rows(response) == [(0, "Borgerservice"), (1, "Pas"), (1, "Kørekort"), (0, "Teknik")]
    assert cells(response, "Kørekort") == [
        "Kørekort",
        "Borger, Virksomhed",
        "Skjult",
        "Fagsystem",
        "Ikke aktivt",
    ]


def test_overview_toggle_link_opens_and_closes_the_group(client_as, tree):
    client = client_as("alice")
    closed = page(client.get(URL)).find("tr", data_node=str(tree["Borgerservice"].pk))
    opened_url = closed.find("a", data_testid="toggle").attrs["href"]
    assert closed.find("a", data_testid="toggle").attrs["aria-expanded"] == "false"
    response = client.get(URL + opened_url)
    assert [name for _, name in rows(response)] == ["Borgerservice", "Pas", "Kørekort", "Teknik"]
    row = page(response).find("tr", data_node=str(tree["Borgerservice"].pk))
    toggle = row.find("a", data_testid="toggle")
    assert toggle.attrs["aria-expanded"] == "true"
    assert rows(client.get(URL + toggle.attrs["href"])) == [(0, "Borgerservice"), (0, "Teknik")]


def test_overview_group_without_content_has_no_toggle(client_as, tree):
    row = page(client_as("alice").get(URL)).find("tr", data_node=str(tree["Teknik"].pk))
    assert row.find("a", data_testid="toggle") is None


def test_overview_nested_expansion_shows_three_levels(client_as, tree):
    opened = [str(tree["Borgerservice"].pk), str(tree["Pas"].pk)]
    response = client_as("alice").get(URL, {"aaben": opened})
    assert rows(response) == [
        (0, "Borgerservice"),
        (1, "Pas"),
        (2, "Flytning"),
        (2, "Fornyelse af pas"),
        (1, "Kørekort"),
        (0, "Teknik"),
    ]
    assert cells(response, "Fornyelse af pas") == [
        "Fornyelse af pas",
        "Borger",
        "Synligt",
        "Fagsystem",
        "Aktivt",
    ]


def test_overview_tampered_expansion_values_are_ignored(client_as, tree):
    response = client_as("alice").get(URL, {"aaben": ["nonsense", "1"]})
    assert response.status_code == 200
    assert rows(response) == [(0, "Borgerservice"), (0, "Teknik")]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("pas", ["Pas", "Fornyelse af pas"]),
        ("KØREKORT", ["Kørekort"]),
        ("findes ikke", []),
    ],
)
def test_overview_search_finds_names_at_any_depth(client_as, tree, search, expected):
    response = client_as("alice").get(URL, {"soeg": search})
    assert [name for _, name in rows(response)] == expected
    if not expected:
        assert "passer til søgningen" in page(response).find(data_testid="empty").text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"maalgruppe": "virksomhed"}, ["Borgerservice", "Pas", "Kørekort", "Teknik"]),
        (
            {"maalgruppe": "borger"},
            ["Borgerservice", "Pas", "Flytning", "Fornyelse af pas", "Kørekort", "Teknik"],
        ),
        ({"status": "ikke-aktivt"}, ["Borgerservice", "Pas", "Kørekort", "Teknik"]),
        ({"status": "aktivt"}, ["Borgerservice", "Pas", "Flytning", "Fornyelse af pas", "Teknik"]),
        ({"maalgruppe": "myndighed"}, ["Borgerservice", "Pas", "Teknik"]),
        (
            {"maalgruppe": "garbage", "status": "x"},
            ["Borgerservice", "Pas", "Flytning", "Fornyelse af pas", "Kørekort", "Teknik"],
        ),
    ],
)
def test_overview_filter_narrows_the_contact_points(client_as, tree, params, expected):
    opened = [str(tree["Borgerservice"].pk), str(tree["Pas"].pk)]
    response = client_as("alice").get(URL, {"aaben": opened, **params})
    assert [name for _, name in rows(response)] == expected


def test_overview_filter_leaves_out_top_level_points_that_do_not_match(client_as, personas):
    build(
        personas.alice.organisation,
        points=["Borgerpunkt", "Virksomhedspunkt"],
        point_fields={"targets": [Target.CITIZEN]},
    )
    ContactPoint.objects.filter(name="Virksomhedspunkt").update(targets=[Target.COMPANY])
    response = client_as("alice").get(URL, {"maalgruppe": "virksomhed"})
    assert [name for _, name in rows(response)] == ["Virksomhedspunkt"]


@pytest.fixture
def many_groups(personas):
    """25 top-level groups G00…G24, G00 holding three points."""
    names = [f"G{i:02d}" for i in range(25)]
    return build(
        personas.alice.organisation,
        groups=names,
        points=["p1", "p2", "p3"],
        edges=[("G00", "p1"), ("G00", "p2"), ("G00", "p3")],
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [f"G{i:02d}" for i in range(10)]),
        ({"side": "2"}, [f"G{i:02d}" for i in range(10, 20)]),
        ({"side": "3"}, [f"G{i:02d}" for i in range(20, 25)]),
        ({"side": "99"}, [f"G{i:02d}" for i in range(20, 25)]),
        ({"side": "x"}, [f"G{i:02d}" for i in range(10)]),
        ({"per_side": "25"}, [f"G{i:02d}" for i in range(25)]),
        ({"per_side": "7"}, [f"G{i:02d}" for i in range(10)]),
    ],
)
def test_overview_pages_over_top_level_rows(client_as, many_groups, params, expected):
    assert [name for _, name in rows(client_as("alice").get(URL, params))] == expected


def test_overview_expanded_content_stays_with_its_group_on_one_page(client_as, many_groups):
    response = client_as("alice").get(URL, {"aaben": [str(many_groups["G00"].pk)]})
    assert [name for _, name in rows(response)] == [
        "G00",
        "p1",
        "p2",
        "p3",
        *(f"G{i:02d}" for i in range(1, 10)),
    ]


def test_overview_page_links_keep_search_filter_and_open_groups(client_as, many_groups):
    opened = str(many_groups["G00"].pk)
    response = client_as("alice").get(URL, {"aaben": [opened], "soeg": "G", "status": "aktivt"})
    links = page(response).find(data_testid="pagination").find_all("a", aria_label="Side 2")
    href = links[0].attrs["href"]
    assert f"aaben={opened}" in href and "soeg=G" in href and "status=aktivt" in href
    assert "side=2" in href


@pytest.mark.parametrize(
    ("kind", "actions"),
    [
        ("group", ["Se detaljer", "Redigér", "Slet gruppe"]),
        ("point", ["Se detaljer", "Redigér"]),
    ],
)
def test_overview_row_menu_links_to_the_node(client_as, tree, kind, actions):
    node = tree["Borgerservice"] if kind == "group" else tree["Fornyelse af pas"]
    response = client_as("alice").get(URL, {"soeg": node.name})
    row = page(response).find("tr", data_node=str(node.pk))
    links = row.find(data_testid="row-menu").find_all("a")
    assert [a.text for a in links] == actions
    base = "gruppe" if kind == "group" else "kontaktpunkt"
    expected = [
        f"/kontaktstruktur/{base}/{node.pk}/",
        f"/kontaktstruktur/{base}/{node.pk}/rediger/",
    ]
    if kind == "group":
        expected.append(f"/kontaktstruktur/gruppe/{node.pk}/slet/")
    assert [a.attrs["href"] for a in links] == expected


def test_overview_warns_for_each_active_receiver_without_points(client_as, personas, tree):
    lonely = receiver_new(personas.alice, name="Ensom modtager")
    warnings = page(client_as("alice").get(URL)).find_all(data_testid="receiver-without-points")
    assert [w.attrs["data-system"] for w in warnings] == [str(lonely.pk)]
    assert "Modtagersystemet »Ensom modtager« har ingen kontaktpunkter" in warnings[0].text


def test_overview_without_receivers_lacking_points_shows_no_warning(client_as, tree):
    assert page(client_as("alice").get(URL)).find(data_testid="receiver-without-points") is None


def test_overview_of_an_empty_structure_says_how_to_start(client_as, personas):
    response = client_as("alice").get(URL)
    assert "endnu ingen kontaktstruktur" in page(response).find(data_testid="empty").text


def test_overview_shows_only_the_acting_organisations_structure(client_as, personas, tree):
    build(personas.maja.organisation, groups=["Kommune M gruppe"])
    assert [name for _, name in rows(client_as("maja").get(URL))] == ["Kommune M gruppe"]
    assert "Kommune M gruppe" not in [name for _, name in rows(client_as("alice").get(URL))]


@pytest.mark.parametrize("persona", ["birgitte", "charlie"])
def test_overview_refuses_companies_and_people_without_the_right(client_as, persona):
    assert client_as(persona).get(URL).status_code == 403


def test_overview_tab_is_shown_to_the_contact_structure_administrator(client_as, personas):
    tabs = page(client_as("alice").get("/oversigt/")).find(data_testid="tabs")
    assert tabs.find("a", data_tab="kontaktstruktur").attrs["href"] == URL


def _big_structure(organisation, groups: int, points_per_group: int) -> None:
    """`groups` top-level groups with their points, by bulk insert (fast enough for a test)."""
    group_rows = ContactGroup.objects.bulk_create(
        [ContactGroup(organisation=organisation, name=f"Gruppe {i:04d}") for i in range(groups)]
    )
    counter = itertools.count()
    point_rows = ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                organisation=organisation,
                name=f"Punkt {next(counter):05d}",
                targets=[Target.CITIZEN],
                keywords=["x"],
                active=True,
            )
            for _ in range(groups * points_per_group)
        ]
    )
    PointInGroup.objects.bulk_create(
        [
            PointInGroup(group=group_rows[index // points_per_group], point=point)
            for index, point in enumerate(point_rows)
        ]
    )
    GroupInGroup.objects.bulk_create(
        [GroupInGroup(parent=group_rows[0], child=group_rows[i]) for i in range(1, 3)]
    )


@pytest.mark.parametrize("expanded", [False, True])
def test_overview_queries_do_not_grow_with_the_structure(
    client_as, personas, django_assert_max_num_queries, expanded
):
    """SPEC §4: 10,000 points in 1,000 groups must stay fast; here a tenth of that, and the
    number of queries bounded whatever the number of rows (no query per row)."""
    organisation = personas.alice.organisation
    _big_structure(organisation, groups=100, points_per_group=10)
    client = client_as("alice")
    params = {"per_side": "100"}
    if expanded:
        params["aaben"] = [str(g) for g in ContactGroup.objects.values_list("pk", flat=True)[:50]]
    with django_assert_max_num_queries(15):
        response = client.get(URL, params)
    assert response.status_code == 200
    assert len(rows(response)) >= 98
