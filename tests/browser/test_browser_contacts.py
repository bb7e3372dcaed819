""" "Opret kontaktpunkt" in the browser, as a person does it (issue 4 acceptance, guide §6.3):
from the Kontaktstruktur overview through the six steps into a group, to the receipt with its
deep links and QR codes. The page fixture fails the test on any JavaScript error or CSP
violation; points.js (counters, reveal, keywords "Tilføj", "Kopier") runs on every page.
"""

from playwright.sync_api import expect

from adgang.contacts import services
from adgang.contacts.models import ContactPoint
from tests.support.contacts_factories import actor_for, receiver_new

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
