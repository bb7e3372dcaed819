""" "Opret kontaktpunkt" in the browser, as a person does it (issue 4 acceptance, guide §6.3):
from the Kontaktstruktur overview through the six steps into a group, to the receipt with its
deep links and QR codes. The page fixture fails the test on any JavaScript error or CSP
violation; points.js (counters, reveal, keywords "Tilføj", "Kopier") runs on every page.

The acceptance journey of issue 4 goes on from there: the group made through "Opret
kontaktgruppe", the tree expanded, the export opened and edited with openpyxl, and the import's
dry run and apply; a formula in a cell stops the import at the dry run.
"""

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from adgang.contacts import services, transfer
from adgang.contacts.models import ContactGroup, ContactPoint
from adgang.contacts.transfer import GROUPS_SHEET, POINTS_SHEET
from tests.support.contacts_factories import actor_for, receiver_new, snapshot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def at_step(page, text: str):
    expect(page.locator("[aria-current=step]")).to_contain_text(text)


def test_alice_creates_a_point_in_a_group_and_sees_its_deep_links(page, login_as, personas):
    organisation = personas.alice.organisation
    group = services.group_create(
        actor=actor_for(organisation),
        organisation=organisation,
        name="Borgerservice",
        description="Pas, kørekort og sundhedskort",
    )
    system = receiver_new(personas.alice, name="Modtager borgerservice")

    login_as("alice")
    page.goto("/kontaktstruktur/")
    click_and_wait(page, page.get_by_test_id("create-point"))
    at_step(page, "1. Beskrivelse")

    # Step 1: the counters follow the typing (points.js).
    page.get_by_label("Kontaktpunktets navn").fill("Pas og kørekort")
    expect(page.get_by_test_id("counter-name")).to_have_text("15/50 Tegn")
    page.get_by_label("Kontaktpunktets beskrivelse").fill("Spørgsmål om pas og kørekort.")
    page.get_by_label("Føj til kontaktgruppe").select_option(str(group.pk))
    click_and_wait(page, button(page, "Næste"))
    at_step(page, "2. Tilgængelighed")

    # Step 2: the capacity fields appear when their box is ticked.
    page.get_by_label("Synliggør kontaktpunktet").check()
    page.get_by_label("Borger", exact=True).check()
    page.get_by_label("Virksomhed", exact=True).check()
    size = page.get_by_label("Max MB grænse")
    expect(size).to_be_hidden()
    page.get_by_label("Reducér kontaktpunktets kapacitet (Valgfrit)").check()
    expect(size).to_be_visible()
    size.fill("45,5")
    click_and_wait(page, button(page, "Næste"))
    at_step(page, "3. Opmærkning")

    # Step 3: keywords one at a time with "Tilføj".
    keyword = page.get_by_test_id("keyword-input")
    keyword.fill("pas")
    page.get_by_test_id("keyword-add").click()
    keyword.fill("kørekort")
    page.get_by_test_id("keyword-add").click()
    expect(page.get_by_test_id("keyword-list").locator("li")).to_have_count(2)
    page.get_by_label("KLE-kode").fill("27.24.00")
    click_and_wait(page, button(page, "Næste"))
    at_step(page, "4. Tilslutning")

    page.get_by_label("Tilknyt modtagersystem").select_option(str(system.pk))
    page.get_by_label("Aktivér kontaktpunktet ved oprettelse").check()
    click_and_wait(page, button(page, "Næste"))
    at_step(page, "5. Opsummering")

    summary = page.get_by_test_id("summary")
    expect(summary.locator("tr[data-row=groups]")).to_contain_text("Borgerservice")
    expect(summary.locator("tr[data-row=keywords]")).to_contain_text("kørekort")
    expect(summary.locator("tr[data-row=max_message_mb]")).to_contain_text("45,5")
    click_and_wait(page, button(page, "Tilslut"))
    at_step(page, "6. Kvittering")

    expect(page.get_by_test_id("receipt-success")).to_contain_text("Kontaktpunkt er oprettet")
    point_id = page.get_by_test_id("receipt-id").inner_text().strip()
    point = ContactPoint.objects.get(pk=point_id)
    assert list(point.groups.all()) == [group]
    assert point.keywords == ["pas", "kørekort"]

    links = page.get_by_test_id("deeplink")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_contain_text("Dybt link (borger)")
    expect(links.nth(0)).to_contain_text(f"/send/{organisation.pk}/{point_id}/")
    expect(links.nth(1)).to_contain_text("Dybt link (virksomhed)")
    expect(links.nth(1)).to_contain_text(f"/digitalpost/new/{organisation.pk}/{point_id}/")
    for target in ("citizen", "company"):
        expect(page.get_by_test_id(f"qr-{target}").locator("svg")).to_be_visible()
    expect(links.nth(0).get_by_role("button", name="Kopier")).to_be_visible()

    with page.expect_download() as info:
        links.nth(0).get_by_test_id("qr-png").click()
    with open(info.value.path(), "rb") as png:
        assert png.read(8) == PNG_SIGNATURE

    click_and_wait(page, page.get_by_test_id("to-overview"))
    assert page.url.endswith("/kontaktstruktur/")


# --- The acceptance journey of issue 4: group, point, deep links, export, edit, import. ---

NEW_NAME = "Pas, kørekort og ID"


def menu(page, testid: str):
    return page.get_by_test_id("contacts-menu").get_by_test_id(testid)


def tree_row(page, name: str):
    return (
        page.get_by_test_id("contacts-tree")
        .locator("tbody tr")
        .filter(has=page.get_by_test_id("name").filter(has_text=name))
    )


def expand(page, group_name: str):
    """Open a group's node in the tree (a GET link: works without JavaScript)."""
    click_and_wait(page, page.get_by_role("link", name=f"Åbn {group_name}", exact=True))
    expect(page.get_by_role("link", name=f"Luk {group_name}", exact=True)).to_be_visible()


def points_sheet_renamed(source: str, old: str, new: str, target) -> None:
    """Open the exported workbook as a person would in Excel: change the point's Navn."""
    workbook = load_workbook(source)
    sheet = workbook[POINTS_SHEET]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Navn") + 1
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == old]
    assert len(rows) == 1, f"{old!r} not once on {POINTS_SHEET}: rows {rows}"
    sheet.cell(rows[0], column).value = new
    workbook.save(target)


def test_acceptance_group_point_deep_links_export_rename_import(page, login_as, personas, tmp_path):
    """Issue 4 acceptance: create a group, a point in it through the whole wizard, see its
    deep links and QR codes, export, change a name in the workbook, import (dry run, then
    apply), see the new name — all through the UI."""
    organisation = personas.alice.organisation
    system = receiver_new(personas.alice, name="Modtager pas")

    # 1. "Opret kontaktgruppe" from the Kontaktstruktur tab.
    login_as("alice")
    click_and_wait(page, page.get_by_test_id("tabs").get_by_role("link", name="Kontaktstruktur"))
    assert page.url.endswith("/kontaktstruktur/")
    click_and_wait(page, menu(page, "create-group"))
    page.get_by_label("Kontaktgruppens navn").fill("Borgerservice")
    page.get_by_label("Kontaktgruppens beskrivelse").fill("Pas, kørekort og sundhedskort")
    click_and_wait(page, button(page, "Opret gruppe"))
    expect(page.get_by_test_id("group-heading")).to_have_text("Kontaktgruppe - Borgerservice")
    fields = page.get_by_test_id("group-fields")
    expect(fields.locator("tr[data-row=description]")).to_contain_text(
        "Pas, kørekort og sundhedskort"
    )
    expect(page.get_by_test_id("group-content-empty")).to_be_visible()
    group = ContactGroup.objects.get(organisation=organisation, name="Borgerservice")

    # 2. "Opret kontaktpunkt" from the overview, through every step.
    click_and_wait(page, page.get_by_role("link", name="Tilbage", exact=True))
    click_and_wait(page, menu(page, "create-point"))
    at_step(page, "1. Beskrivelse")
    page.get_by_label("Kontaktpunktets navn").fill("Pas og kørekort")
    page.get_by_label("Kontaktpunktets beskrivelse").fill("Spørgsmål om pas og kørekort.")
    page.get_by_label("Føj til kontaktgruppe").select_option(str(group.pk))
    click_and_wait(page, button(page, "Næste"))

    at_step(page, "2. Tilgængelighed")
    page.get_by_label("Synliggør kontaktpunktet").check()
    page.get_by_label("Borger", exact=True).check()
    page.get_by_label("Virksomhed", exact=True).check()
    click_and_wait(page, button(page, "Næste"))

    at_step(page, "3. Opmærkning")
    page.get_by_test_id("keyword-input").fill("pas")
    page.get_by_test_id("keyword-add").click()
    expect(page.get_by_test_id("keyword-list").locator("li")).to_have_count(1)
    click_and_wait(page, button(page, "Næste"))

    at_step(page, "4. Tilslutning")
    page.get_by_label("Tilknyt modtagersystem").select_option(str(system.pk))
    page.get_by_label("Aktivér kontaktpunktet ved oprettelse").check()
    click_and_wait(page, button(page, "Næste"))

    at_step(page, "5. Opsummering")
    summary = page.get_by_test_id("summary")
    expect(summary.locator("tr[data-row=groups]")).to_contain_text("Borgerservice")
    expect(summary.locator("tr[data-row=keywords]")).to_contain_text("pas")
    click_and_wait(page, button(page, "Tilslut"))

    at_step(page, "6. Kvittering")
    expect(page.get_by_test_id("receipt-success")).to_contain_text("Kontaktpunkt er oprettet")
    point_id = page.get_by_test_id("receipt-id").inner_text().strip()
    point = ContactPoint.objects.get(pk=point_id, organisation=organisation)
    assert point.active and point.system_id == system.pk
    links = page.get_by_test_id("deeplink")
    expect(links).to_have_count(2)
    expect(links.nth(0).get_by_role("heading")).to_have_text("Dybt link (borger)")
    expect(links.nth(1).get_by_role("heading")).to_have_text("Dybt link (virksomhed)")
    for index, target in enumerate(("citizen", "company")):
        link = links.nth(index)
        expect(link.get_by_test_id("deeplink-url")).to_contain_text(f"/{point_id}/")
        expect(link.get_by_test_id(f"qr-{target}").locator("svg")).to_be_visible()
        with page.expect_download() as svg:
            link.get_by_test_id("qr-svg").click()
        assert b"<svg" in Path(svg.value.path()).read_bytes()[:500]
        with page.expect_download() as png:
            link.get_by_test_id("qr-png").click()
        assert Path(png.value.path()).read_bytes()[:8] == PNG_SIGNATURE

    # 3. The overview: the group expands to show its point.
    click_and_wait(page, page.get_by_test_id("to-overview"))
    expect(tree_row(page, "Pas og kørekort")).to_have_count(0)
    expand(page, "Borgerservice")
    row = tree_row(page, "Pas og kørekort")
    expect(row).to_have_attribute("data-kind", "point")
    expect(row).to_contain_text("Modtager pas")

    # 4. "Eksportér kontaktstruktur", then the name changed in the workbook.
    with page.expect_download() as export:
        menu(page, "export").click()
    assert export.value.suggested_filename.endswith(".xlsx")
    exported = tmp_path / export.value.suggested_filename
    export.value.save_as(exported)
    edited = tmp_path / "kontaktstruktur-rettet.xlsx"
    points_sheet_renamed(exported, "Pas og kørekort", NEW_NAME, edited)

    # 5. "Importér kontaktstruktur": the dry run shows the change and saves nothing.
    click_and_wait(page, menu(page, "import"))
    page.get_by_label("Excel-ark med kontaktstrukturen").set_input_files(edited)
    click_and_wait(page, button(page, "Tjek filen"))
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    changes = page.get_by_test_id("import-changes").locator("tbody tr")
    expect(changes).to_have_count(1)
    cells = changes.first.locator("td")
    expect(cells.nth(0)).to_have_text(POINTS_SHEET)
    expect(cells.nth(2)).to_have_text("Ret")
    expect(cells.nth(4)).to_have_text("Navn")
    expect(cells.nth(5)).to_have_text("Pas og kørekort")
    expect(cells.nth(6)).to_have_text(NEW_NAME)
    point.refresh_from_db()
    assert point.name == "Pas og kørekort"

    click_and_wait(page, button(page, "Importér"))
    assert page.url.endswith("/kontaktstruktur/")
    expect(page.get_by_text("Importen er gennemført")).to_be_visible()
    expand(page, "Borgerservice")
    expect(tree_row(page, "Pas og kørekort")).to_have_count(0)
    click_and_wait(page, tree_row(page, NEW_NAME).get_by_test_id("name"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kontaktpunkt - {NEW_NAME}")
    expect(page.get_by_test_id("point-id")).to_have_text(point_id)
    point.refresh_from_db()
    assert point.name == NEW_NAME


FORMULA_ROW = [GROUPS_SHEET, "2", "Beskrivelse", "Cellen indeholder en formel."]


def formula_workbook(organisation, tmp_path) -> Path:
    """The exported workbook of a one-group structure with `=1+1` in the group's Beskrivelse."""
    services.group_create(
        actor=actor_for(organisation),
        organisation=organisation,
        name="Borgerservice",
        description="Pas, kørekort og sundhedskort",
    )
    workbook = load_workbook(BytesIO(transfer.build_workbook(organisation)))
    sheet = workbook[GROUPS_SHEET]
    column = [cell.value for cell in sheet[1]].index("Beskrivelse") + 1
    sheet.cell(2, column).value = "=1+1"
    path = tmp_path / "formel.xlsx"
    workbook.save(path)
    return path


def dry_run(page, login_as, path: Path):
    """alice uploads `path` through "Importér kontaktstruktur": the dry run's error rows."""
    login_as("alice")
    page.goto("/kontaktstruktur/")
    click_and_wait(page, menu(page, "import"))
    page.get_by_label("Excel-ark med kontaktstrukturen").set_input_files(path)
    click_and_wait(page, button(page, "Tjek filen"))
    return page.get_by_test_id("import-errors").locator("tbody tr")


def test_a_workbook_with_a_formula_shows_the_cell_and_offers_no_import(
    page, login_as, personas, tmp_path
):
    """A formula is never read: the dry run names sheet, row, column and reason, and there
    is no "Importér" — nothing changes (SPEC §4, issue 4 bad input)."""
    organisation = personas.alice.organisation
    path = formula_workbook(organisation, tmp_path)
    before = snapshot(organisation)

    rows = dry_run(page, login_as, path)
    expect(page.get_by_test_id("import-errors-summary")).to_contain_text("Intet er gemt")
    formula = rows.filter(has_text="Cellen indeholder en formel.")
    expect(formula).to_have_count(1)
    expect(formula.locator("td")).to_have_text(FORMULA_ROW)
    expect(button(page, "Importér")).to_have_count(0)
    expect(page.get_by_test_id("import-changes")).to_have_count(0)
    assert snapshot(organisation) == before


def test_a_formula_cell_is_reported_once_with_its_one_reason(page, login_as, personas, tmp_path):
    """The dry run's one reason for a formula cell is the formula, not a second 'empty'."""
    path = formula_workbook(personas.alice.organisation, tmp_path)
    rows = dry_run(page, login_as, path)
    expect(page.get_by_test_id("import-errors-summary")).to_be_visible()
    expect(rows.locator("td")).to_have_text(FORMULA_ROW, timeout=1_000)
