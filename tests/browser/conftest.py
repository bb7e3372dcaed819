"""Browser tests: the portal in Debian's Chromium, driven by Playwright against a live server.

Chromium comes from Debian (`apt-get install chromium`), never from Playwright's download
(CI has no network). Without it the tests are skipped with the reason shown, unless
`ADGANG_REQUIRE_BROWSER=1` asks for them to fail instead (CI sets it, so a missing browser
can never turn the browser suite into a silent pass).

Every test gets a fresh browser context (no cookies) and page on a live server with the demo
personas loaded. A test fails when its page logged a JavaScript error or a Content Security
Policy violation; a test that expects an error response allows its console line explicitly
with `page_errors.allow(...)`.
"""

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = "/usr/bin/chromium"
MISSING_BROWSER = "Debian chromium not installed: apt-get install chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
HERE = Path(__file__).resolve().parent

# The people of adgang.accounts.demo, as the login page lists them.
NAMES = {
    "alice": "Alice Andersen",
    "bob": "Bob Berg",
    "lars": "Lars Lund",
    "lene": "Lene Larsen",
    "leif": "Leif Lauridsen",
    "sofie": "Sofie Schmidt",
    "erik": "Erik Eriksen",
    "charlie": "Charlie Christensen",
    "morten": "Morten Mikkelsen",
    "maja": "Maja Madsen",
    "birgitte": "Birgitte Bach",
    "sune": "Sune Storm",
    "tina": "Tina Thomsen",
    "dorte": "Dorte Dahl",
}


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test (`-m "not browser"` skips them)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (half a second to start), stopped after the module.

    Playwright's sync API keeps an asyncio loop running on this thread while it is started,
    and Django's async-safety guard then refuses the ORM calls of the tests themselves
    (fixtures, assertions). The guard is lifted only for as long as Playwright runs, so the
    tests that pytest-django orders after these keep it.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ADGANG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ADGANG_REQUIRE_BROWSER=1 but {MISSING_BROWSER}", pytrace=False)
        pytest.skip(MISSING_BROWSER)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class PageErrors:
    """JavaScript errors and console errors (CSP violations among them) logged by a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect console errors matching `pattern` (e.g. the 403 of a forbidden page)."""
        self._allowed.append(re.compile(pattern))

    def on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self.messages.append(f"console error: {message.text} ({location.get('url', '')})")

    def on_page_error(self, error) -> None:
        self.messages.append(f"page error: {error}")

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self._allowed)]


@pytest.fixture
def page_errors():
    return PageErrors()


@pytest.fixture
def page(browser, live_server, personas, page_errors):
    """A fresh context and page on the live server, with the demo personas loaded."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", page_errors.on_console)
    page.on("pageerror", page_errors.on_page_error)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """After the test body, fail it if its page logged an error nobody expected."""
    result = yield
    page = pyfuncitem.funcargs.get("page")
    errors = pyfuncitem.funcargs.get("page_errors")
    if page is not None and errors is not None:
        if not page.is_closed():
            page.evaluate("0")  # a round trip, so that console events already sent arrive
        unexpected = errors.unexpected()
        if unexpected:
            pytest.fail(
                "The page logged errors:\n" + "\n".join(unexpected),
                pytrace=False,
            )
    return result


def _login(page, name: str):
    page.goto("/login/")
    row = page.locator("[data-testid=test-people] tbody tr").filter(
        has=page.get_by_role("rowheader", name=NAMES[name], exact=True)
    )
    with page.expect_navigation():
        row.get_by_role("button", name=f"Log ind som {NAMES[name]}").click()
    return page


@pytest.fixture
def login_as(page):
    """`login_as("alice")` logs in through the login page's button, as a person would."""
    return lambda name: _login(page, name)


@pytest.fixture
def shell(page):
    """Reads what the page shell shows: tab keys, card keys, header lines."""

    def tabs() -> list[str]:
        return page.locator("[data-testid=tabs] [data-tab]").evaluate_all(
            "els => els.map(e => e.dataset.tab)"
        )

    def cards() -> list[str]:
        return page.locator("[data-card]").evaluate_all("els => els.map(e => e.dataset.card)")

    def text(testid: str) -> str:
        return " ".join(page.get_by_test_id(testid).inner_text().split())

    return SimpleNamespace(
        tabs=tabs,
        cards=cards,
        user=lambda: text("header-user"),
        rights=lambda: text("header-rights"),
        org=lambda: text("header-org"),
        name=lambda: " ".join(
            page.locator("[data-testid=header-user] .username").inner_text().split()
        ),
    )
