"""The overview reads one page (issue 10): `tree_roots` + `tree_page_rows` show exactly what
`tree_rows` (which reads the whole structure) shows, page by page, and read only that page."""

import pytest

from adgang.contacts.selectors import tree_page_rows, tree_roots
from tests.support.contacts_factories import build
from tests.support.contacts_overview import tree_rows

URL = "/kontaktstruktur/"

STRUCTURE = {
    "groups": ["ID", "pas", "Sundhed", "Tom", "Straße", "Ærø kommune", "ærø havn", "Kelvin"],
    "points": [
        "Bortkommet pas",
        "Fornyelse af pas",
        "Generelt",
        "Tandpleje",
        "KASSE",
        "Øvrigt om ÆRØ",
        "fisk",  # the ligature casefolds to "fi"
        "Løs",
    ],
    "edges": [
        ("ID", "pas"),
        ("pas", "Bortkommet pas"),
        ("pas", "Fornyelse af pas"),
        ("ID", "Generelt"),
        ("Sundhed", "Tandpleje"),
        ("Sundhed", "Generelt"),
        ("Straße", "KASSE"),
        ("Ærø kommune", "ærø havn"),
        ("ærø havn", "Øvrigt om ÆRØ"),
        ("Kelvin", "fisk"),
    ],
}


def rows_of(rows):
    return [
        (r.kind, r.name, r.depth, r.parent_id, r.has_children, r.expanded, r.targets, r.active)
        for r in rows
    ]


@pytest.fixture
def org(personas):
    return personas.alice.organisation


@pytest.fixture
def built(org, personas):
    # Kommune M's nodes share names with ours: they must never be read.
    build(personas.maja.organisation, groups=["pas", "Straße"], points=["KASSE"])
    return build(org, **STRUCTURE)


@pytest.mark.parametrize(
    "search", ["", "pas", "PAS", "ss", "SS", "ærø", "ÆRØ", "Ø", "fi", "k", "kelvin", "-", "%", "_"]
)
@pytest.mark.parametrize("opened", [(), ("ID",), ("ID", "pas", "Sundhed", "Ærø kommune")])
def test_the_page_rows_are_the_rows_of_the_whole_structure(org, built, search, opened):
    expanded = {built[name].pk for name in opened} | {built["ærø havn"].pk, built["Kelvin"].pk}
    whole = tree_rows(org, search=search, expanded=expanded)
    roots = tree_roots(org, search=search)
    assert [(root[0].id, root[1]) for root in roots] == [
        (row.id, row.name) for row in whole if row.depth == 0
    ]
    paged = []
    for start in range(0, len(roots), 2):  # pages of two top rows
        paged += tree_page_rows(org, roots[start : start + 2], expanded=expanded)
    assert rows_of(paged) == rows_of(whole)


def test_search_folds_case_as_python_does(org, built):
    names = [name for _node, name in tree_roots(org, search="ss")]
    assert names == ["Straße", "KASSE"]
    assert [name for _node, name in tree_roots(org, search="ærø")] == [
        "ærø havn",
        "Ærø kommune",
        "Øvrigt om ÆRØ",
    ]


def test_a_page_reads_only_its_own_rows(org, built, django_assert_max_num_queries):
    roots = tree_roots(org)
    first = roots[:1]
    with django_assert_max_num_queries(4):
        rows = tree_page_rows(org, first, expanded={built["ID"].pk, built["Sundhed"].pk})
    assert [row.name for row in rows] == ["ID", "pas", "Generelt"]


def test_the_view_pages_top_rows_and_keeps_filtered_points_out_of_the_count(client_as, org, built):
    client = client_as("alice")
    # Every point is active: the filter leaves the top-level point "Løs" out, groups stay.
    response = client.get(URL, {"status": "ikke-aktivt", "aaben": str(built["ID"].pk)})
    names = [item["row"].name for item in response.context["rows"]]
    assert names == ["ID", "pas", "Kelvin", "Straße", "Sundhed", "Tom", "Ærø kommune"]
    assert response.context["page"].paginator.count == 6
    response = client.get(URL, {"status": "aktivt"})
    assert response.context["page"].paginator.count == 7
    assert [item["row"].name for item in response.context["rows"]][-1] == "Løs"
