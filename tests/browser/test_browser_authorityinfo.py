"""Myndighedsinformation in the browser (issue 8 acceptance, guide §11.3–11.4): Alice uploads
Kommune A's logo and sees it on the page (the preview image really loads), then tries and
saves the link to the privacy policy. The page fixture fails the test on any JavaScript error
or CSP violation."""

from playwright.sync_api import expect

from adgang.authorityinfo.models import AuthorityInfo
from tests.authorityinfo import pngs

LINK = "https://www.kommune-a.dk/privatlivspolitik"


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def test_alice_uploads_a_logo_sees_it_and_saves_a_privacy_link(page, login_as, personas, tmp_path):
    logo = tmp_path / "kommune-a.png"
    logo.write_bytes(pngs.png_with_text(320))

    login_as("alice")
    page.goto("/myndighedsinformation/")
    expect(page.get_by_test_id("no-logo")).to_be_visible()

    click_and_wait(page, page.get_by_role("link", name="Upload din organisations logo"))
    page.get_by_label("Upload logo").set_input_files(str(logo))
    click_and_wait(page, page.get_by_role("button", name="Gem", exact=True))

    expect(page.get_by_text("Logoet er gemt.")).to_be_visible()
    image = page.get_by_test_id("logo-image")
    expect(image).to_be_visible()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate("el => el.naturalWidth") == 320
    expect(page.get_by_test_id("logo-preview")).to_contain_text("kommune-a.png (320 × 320 pixels)")

    click_and_wait(
        page, page.get_by_role("link", name="Angiv link til din organisations privatlivspolitik")
    )
    page.get_by_label("URL").fill("http://www.kommune-a.dk/privatlivspolitik")
    click_and_wait(page, page.get_by_role("button", name="Gem", exact=True))
    expect(page.locator(".form-error-message")).to_contain_text("Linket skal starte med https://")

    page.get_by_label("URL").fill(LINK)
    click_and_wait(page, page.get_by_role("button", name="Afprøv link"))
    tried = page.get_by_test_id("try-typed-link")
    expect(tried).to_have_attribute("href", LINK)
    expect(tried).to_have_attribute("target", "_blank")
    expect(tried).to_have_attribute("rel", "noopener noreferrer")
    expect(page.get_by_label("URL")).to_have_value(LINK)

    click_and_wait(page, page.get_by_role("button", name="Gem", exact=True))
    expect(page.get_by_text("Linket til privatlivspolitikken er gemt.")).to_be_visible()
    expect(page.get_by_test_id("saved-link")).to_have_text(LINK)
    expect(page.get_by_test_id("try-saved-link")).to_have_attribute("href", LINK)

    info = AuthorityInfo.objects.get(organisation=personas.alice.organisation)
    assert info.privacy_link == LINK
    assert (info.logo_width, info.logo_height) == (320, 320)
