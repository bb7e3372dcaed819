"""Accessibility of the shell and its forms (SPEC §14: WCAG 2.1 AA as Danish law requires).

Each rendered page is parsed with the stdlib's html.parser into a small tree and checked for
the structure a screen-reader or keyboard user depends on: landmarks, a skip link first, a
label for every field, radios and checkboxes grouped in a fieldset with a legend, errors tied
to their fields, an error summary whose links land on a field, the current tab marked, and a
title of its own for every page.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.test import Client, RequestFactory

from adgang.ui import views as ui_views

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
FOCUSABLE_FIELDS = {"input", "select", "textarea"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        return [
            node
            for node in self.walk()
            if (tag is None or node.tag == tag)
            and all(node.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text)
        return " ".join(" ".join(parts).split())

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        for node in [self.current, *self.current.ancestors()]:
            if node.tag == tag:
                self.current = node.parent
                return

    def handle_data(self, data):
        self.current.children.append(data)


@dataclass
class Page:
    path: str
    status: int
    root: Node
    name: str = ""

    @classmethod
    def parse(cls, path: str, status: int, html: str) -> "Page":
        builder = _TreeBuilder()
        builder.feed(html)
        return cls(path, status, builder.root)

    def by_id(self, element_id: str) -> list[Node]:
        return [n for n in self.root.walk() if n.get("id") == element_id]

    @property
    def body(self) -> Node:
        return self.root.find_all("body")[0]

    @property
    def title(self) -> str:
        return self.root.find_all("title")[0].text

    def controls(self) -> list[Node]:
        """Fields a person fills in: inputs that are not hidden or buttons, selects, textareas."""
        return [
            n
            for n in self.root.walk()
            if n.tag in FOCUSABLE_FIELDS
            and n.get("type") not in {"hidden", "submit", "button", "reset", "image"}
        ]


# --- The pages under test ---------------------------------------------------------------------


def _get(client: Client, path: str, **extra) -> Page:
    response = client.get(path, **extra)
    return Page.parse(path, response.status_code, response.content.decode())


def _post(client: Client, path: str, data: dict) -> Page:
    response = client.post(path, data)
    return Page.parse(path, response.status_code, response.content.decode())


def render_overview(client_as):
    return _get(client_as("alice"), "/oversigt/")


def render_overview_without_rights(client_as):
    return _get(client_as("charlie"), "/oversigt/")


def render_section(client_as):
    return _get(client_as("alice"), "/kontaktstruktur/")


def render_eventlog(client_as):
    return _get(client_as("bob"), "/haendelseslog/")


def render_eventlog_messages(client_as):
    return _get(client_as("bob"), "/haendelseslog/meddelelser/")


def render_login(client_as):
    client_as("alice")  # the demo people, so the login page lists them
    return _get(Client(), "/login/")


def render_testportal(client_as):
    return _get(Client(), "/testportal/")


def render_testportal_organisation_errors(client_as):
    return _post(
        Client(),
        "/testportal/",
        {"action": "organisation", "org-cvr": "123", "org-name": "", "org-kind": ""},
    )


def render_testportal_person_errors(client_as):
    return _post(
        Client(),
        "/testportal/",
        {"action": "person", "person-cvr": "", "person-rid": "", "person-rights": ["nej"]},
    )


def render_context_switch(client_as):
    return _get(client_as("morten"), "/skift-kontekst/")


def render_context_switch_systemforvalter_search_error(client_as):
    return _post(client_as("dorte"), "/skift-kontekst/", {"search": "1", "cvr": "1234"})


def render_context_switch_choice_error(client_as):
    return _post(client_as("morten"), "/skift-kontekst/", {"organisation": ""})


def render_not_found(client_as):
    return _get(client_as("alice"), "/findes-ikke/")


def render_not_found_anonymous(client_as):
    return _get(Client(), "/findes-ikke/")


def render_forbidden(client_as):
    return _get(client_as("charlie"), "/systemtilslutning/")


def render_csrf_failure(client_as):
    client = Client(enforce_csrf_checks=True)
    return _post(client, "/testportal/", {"action": "organisation"})


def render_server_error(client_as):
    request = RequestFactory().get("/oversigt/")
    response = ui_views.handler500(request)
    return Page.parse("/oversigt/", response.status_code, response.content.decode())


PAGES = {
    render.__name__.removeprefix("render_"): render
    for render in (
        render_overview,
        render_overview_without_rights,
        render_section,
        render_eventlog,
        render_eventlog_messages,
        render_login,
        render_testportal,
        render_testportal_organisation_errors,
        render_testportal_person_errors,
        render_context_switch,
        render_context_switch_systemforvalter_search_error,
        render_context_switch_choice_error,
        render_not_found,
        render_not_found_anonymous,
        render_forbidden,
        render_csrf_failure,
        render_server_error,
    )
}
LOGGED_IN = {
    "overview",
    "overview_without_rights",
    "section",
    "eventlog",
    "eventlog_messages",
    "context_switch",
    "context_switch_systemforvalter_search_error",
    "context_switch_choice_error",
    "not_found",
    "forbidden",
}
EXPECTED_STATUS = {
    "testportal_organisation_errors": 400,
    "testportal_person_errors": 400,
    "context_switch_systemforvalter_search_error": 400,
    "context_switch_choice_error": 400,
    "not_found": 404,
    "not_found_anonymous": 404,
    "forbidden": 403,
    "csrf_failure": 403,
    "server_error": 500,
}
FORMS_WITH_ERRORS = {
    "testportal_organisation_errors",
    "testportal_person_errors",
    "context_switch_systemforvalter_search_error",
    "context_switch_choice_error",
}


# Rendered once per test run: the checks only read the HTML, which outlives the test database.
_RENDERED: dict[str, Page] = {}


@pytest.fixture(params=sorted(PAGES))
def page(request) -> Page:
    name = request.param
    if name not in _RENDERED:
        rendered = PAGES[name](request.getfixturevalue("client_as"))
        assert rendered.status == EXPECTED_STATUS.get(name, 200), name
        rendered.name = name
        _RENDERED[name] = rendered
    return _RENDERED[name]


# --- Document and landmarks -------------------------------------------------------------------


def test_page_declares_its_language(page):
    assert page.root.find_all("html")[0].get("lang") == "da"


def test_page_has_one_main_landmark_that_the_skip_link_targets(page):
    mains = page.root.find_all("main") + page.root.find_all(role="main")
    assert len(mains) == 1
    assert mains[0].get("id") == "main-content"


def test_page_has_one_header_and_one_footer_outside_main(page):
    for tag in ("header", "footer"):
        nodes = page.root.find_all(tag)
        assert len(nodes) == 1, tag
        assert not any(a.tag == "main" for a in nodes[0].ancestors()), tag


def test_every_navigation_landmark_is_labelled(page):
    navs = page.root.find_all("nav")
    for nav in navs:
        assert (nav.get("aria-label") or "").strip() or nav.get("aria-labelledby")
    if page.name in LOGGED_IN:
        assert navs, "the tabs are a navigation landmark"


def test_skip_link_is_the_first_focusable_element(page):
    first = next(
        n
        for n in page.body.walk()
        if (n.tag == "a" and n.get("href"))
        or n.tag in {"button", "select", "textarea"}
        or (n.tag == "input" and n.get("type") != "hidden")
    )
    assert first.tag == "a"
    assert first.get("href") == "#main-content"
    assert first.text == "Gå til sidens indhold"


def test_page_has_exactly_one_h1(page):
    assert len(page.root.find_all("h1")) == 1


def test_ids_are_unique(page):
    ids = [n.get("id") for n in page.root.walk() if n.get("id")]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


@pytest.mark.parametrize("attribute", ["aria-describedby", "aria-labelledby", "for"])
def test_id_references_point_at_existing_elements(page, attribute):
    dangling = [
        (node.tag, ref)
        for node in page.root.walk()
        for ref in (node.get(attribute) or "").split()
        if not page.by_id(ref)
    ]
    assert dangling == []


def test_every_button_and_link_has_an_accessible_name(page):
    nameless = [
        (node.tag, node.get("href"))
        for node in page.root.walk()
        if node.tag in {"button", "a"}
        and (node.tag == "button" or node.get("href"))
        and not node.text
        and not (node.get("aria-label") or "").strip()
    ]
    assert nameless == []


def test_icons_are_hidden_or_named(page):
    for svg in page.root.find_all("svg"):
        assert svg.get("aria-hidden") == "true" or (
            svg.get("role") == "img" and (svg.get("aria-label") or "").strip()
        )


# --- Forms ------------------------------------------------------------------------------------


def _label_text(page: Page, control: Node) -> str:
    if control.get("aria-label"):
        return control.get("aria-label")
    if control.get("aria-labelledby"):
        return " ".join(page.by_id(ref)[0].text for ref in control.get("aria-labelledby").split())
    labels = [lab for lab in page.root.find_all("label") if lab.get("for") == control.get("id")]
    wrapping = [a for a in control.ancestors() if a.tag == "label"]
    return " ".join(lab.text for lab in labels + wrapping)


def test_every_field_has_a_label(page):
    unlabelled = [c.get("name") for c in page.controls() if not _label_text(page, c).strip()]
    assert unlabelled == []


def test_radios_and_checkbox_groups_sit_in_a_fieldset_with_a_legend(page):
    groups: dict[str, list[Node]] = {}
    for control in page.controls():
        if control.get("type") in {"radio", "checkbox"}:
            groups.setdefault(control.get("name"), []).append(control)
    for name, members in groups.items():
        if len(members) == 1 and members[0].get("type") == "checkbox":
            continue  # a single yes/no checkbox is its own label
        fieldsets = {
            next((a for a in member.ancestors() if a.tag == "fieldset"), None) for member in members
        }
        assert len(fieldsets) == 1 and None not in fieldsets, name
        legend = next(c for c in fieldsets.pop().children if isinstance(c, Node))
        assert legend.tag == "legend" and legend.text, name


def _described_by(page: Page, node: Node) -> str:
    ids = (node.get("aria-describedby") or "").split()
    return " ".join(page.by_id(i)[0].text for i in ids if page.by_id(i))


def test_every_error_message_is_announced_with_its_field(page):
    """An error next to a field is read out with the field (or its fieldset), and the field is
    marked invalid."""
    for message in page.root.walk():
        if "form-error-message" not in message.classes:
            continue
        group = next(a for a in message.ancestors() if "form-group" in a.classes)
        owners = [
            n
            for n in [group, *group.walk()]
            if message.get("id") in (n.get("aria-describedby") or "").split()
        ]
        assert owners, f"no field refers to error {message.get('id')}"
        controls = [n for n in group.walk() if n in page.controls()]
        assert controls
        assert all(c.get("aria-invalid") == "true" for c in controls), message.get("id")


def test_a_form_with_errors_shows_them_and_marks_fields_invalid(page):
    if page.name not in FORMS_WITH_ERRORS:
        assert not any(c.get("aria-invalid") for c in page.controls())
        return
    invalid = [c for c in page.controls() if c.get("aria-invalid") == "true"]
    assert invalid
    for control in invalid:
        fieldset = next((a for a in control.ancestors() if a.tag == "fieldset"), None)
        described = _described_by(page, control) or (
            _described_by(page, fieldset) if fieldset is not None else ""
        )
        assert "Fejl:" in described, control.get("name")


def test_error_summary_links_land_on_a_field(page):
    summaries = page.root.find_all(data_module="error-summary")
    for summary in summaries:
        assert summary.get("role") == "alert"
        assert page.by_id(summary.get("aria-labelledby"))
        links = summary.find_all("a")
        assert links
        for link in links:
            href = link.get("href")
            assert href.startswith("#")
            targets = page.by_id(href[1:])
            assert len(targets) == 1, href
            assert targets[0].tag in FOCUSABLE_FIELDS, href
            assert _label_text(page, targets[0]), href
    if page.name.startswith("testportal_") and page.name.endswith("_errors"):
        assert summaries


def test_language_choice_has_a_label_and_names_languages_in_their_own_language(page):
    select = page.by_id("language-select")
    assert len(select) == 1
    assert _label_text(page, select[0]) == "Vælg sprog"
    options = {o.get("value"): (o.text, o.get("lang")) for o in select[0].find_all("option")}
    assert options == {"da": ("Dansk", "da"), "en": ("English", "en")}


# --- Navigation -------------------------------------------------------------------------------


def test_only_the_active_tab_is_marked_current(page):
    current = [a for a in page.root.find_all("a") if a.get("aria-current")]
    if page.name not in LOGGED_IN or page.status != 200:
        assert [a.get("href") for a in current if a.get("data-tab")] == []
        return
    tabs = [a for a in current if a.get("data-tab")]
    expected = {
        "overview": "oversigt",
        "overview_without_rights": "oversigt",
        "section": "kontaktstruktur",
        "eventlog": "haendelseslog",
        "eventlog_messages": "haendelseslog",
        "context_switch": None,
        "context_switch_systemforvalter_search_error": None,
        "context_switch_choice_error": None,
    }[page.name]
    assert [a.get("data-tab") for a in tabs] == ([expected] if expected else [])
    for link in current:
        assert link.get("aria-current") == "page"
        assert page.path.startswith(link.get("href"))


def test_every_page_has_a_title_of_its_own(client_as):
    titles: dict[str, list[str]] = {}
    for name, make in PAGES.items():
        rendered = make(client_as)
        assert rendered.title.endswith(" – Administrativ Adgang"), name
        assert rendered.title != " – Administrativ Adgang", name
        titles.setdefault(rendered.title, []).append(name)
    # The same page with and without errors, or the same error for two visitors, may share
    # a title; two different pages may not.
    same_page = [
        {"testportal", "testportal_organisation_errors", "testportal_person_errors"},
        {"overview", "overview_without_rights"},
        {"not_found", "not_found_anonymous"},
        {
            "context_switch",
            "context_switch_systemforvalter_search_error",
            "context_switch_choice_error",
        },
    ]
    shared = [set(names) for names in titles.values() if len(names) > 1]
    assert all(any(names <= group for group in same_page) for names in shared), titles


@pytest.mark.parametrize(
    ("name", "control_type"), [("org-kind", "radio"), ("person-rights", "checkbox")]
)
def test_one_choice_renders_radios_and_several_choices_checkboxes(client_as, name, control_type):
    """A screen reader announces "radio button, 1 of 2" or "checkbox": the type must match
    whether the field takes one choice (Type) or several (Rettigheder)."""
    page = render_testportal(client_as)
    controls = [c for c in page.controls() if c.get("name") == name]
    assert len(controls) > 1
    assert {c.get("type") for c in controls} == {control_type}
    assert all(c.get("class") == f"form-{control_type}" for c in controls)
