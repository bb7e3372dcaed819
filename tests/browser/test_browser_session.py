"""Logging out, keyboard use and the language choice (SPEC §2, §14)."""

import pytest
from playwright.sync_api import expect

LOGIN_HEADING = "Log ind på Administrativ Adgang"


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                    text: el.innerText, label: el.getAttribute('aria-label')};
        }"""
    )


def test_log_ud_returns_to_the_login_page(page, login_as):
    login_as("alice")
    with page.expect_navigation():
        page.get_by_role("button", name="Log ud").click()

    assert page.url.endswith("/login/")
    assert page.locator("h1").inner_text() == LOGIN_HEADING
    assert page.get_by_test_id("messages").inner_text().strip() == "Du er nu logget ud."
    assert page.get_by_test_id("header-user").count() == 0


def test_overview_after_logging_out_redirects_to_login(page, login_as):
    login_as("alice")
    with page.expect_navigation():
        page.get_by_role("button", name="Log ud").click()

    response = page.goto("/oversigt/")

    assert response.request.redirected_from is not None
    assert response.request.redirected_from.url.endswith("/oversigt/")
    assert page.url.endswith("/login/?next=/oversigt/")
    assert page.locator("h1").inner_text() == LOGIN_HEADING


@pytest.mark.parametrize("who", [None, "alice"], ids=["login-page", "overview"])
def test_skip_link_is_first_focusable_and_moves_focus_to_main(page, login_as, who):
    if who:
        login_as(who)
    else:
        page.goto("/login/")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert (skip["tag"], skip["text"]) == ("a", "Gå til sidens indhold")
    # Off screen until focused, then slides fully into view (WCAG 2.4.7 focus visible).
    expect(page.locator("a.skipnav")).to_be_in_viewport(ratio=1)

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


def test_login_buttons_are_reachable_with_tab(page, personas):
    page.goto("/login/")
    people = page.locator("[data-testid=test-people] tbody th[scope=row]").all_inner_texts()
    wanted = {f"Log ind som {name}" for name in people}
    reached = set()
    for _ in range(len(wanted) + 40):
        page.keyboard.press("Tab")
        label = focused(page)["label"]
        if label in wanted:
            reached.add(label)
        if reached == wanted:
            break
    assert reached == wanted


def test_login_button_works_from_the_keyboard(page):
    page.goto("/login/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if focused(page)["label"] == "Log ind som Alice Andersen":
            break
    else:
        pytest.fail("Alice's login button was never focused")

    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/oversigt/")
    assert page.get_by_test_id("header-user").locator(".username").inner_text() == (
        "Alice Andersen"
    )


def test_choosing_english_in_the_footer_changes_the_page_language(page):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "da"

    page.get_by_label("Vælg sprog").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Skift sprog").click()

    assert page.url.endswith("/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
