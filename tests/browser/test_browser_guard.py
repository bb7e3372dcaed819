"""The browser suite's own guard: a page error or CSP violation fails the test (conftest).

Without these the guard could silently stop working and every browser test would pass while
pages break.
"""


def test_inline_script_is_blocked_by_the_csp_and_recorded(page, page_errors):
    page.goto("/login/")

    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.appendChild(script);
        }"""
    )
    page.evaluate("0")

    assert page.evaluate("window.injected === undefined")
    unexpected = page_errors.unexpected()
    assert len(unexpected) == 1
    assert "Content Security Policy" in unexpected[0]
    page_errors.messages.clear()  # seen: this test must not fail for the error it provoked


def test_uncaught_javascript_error_is_recorded(page, page_errors):
    page.goto("/login/")

    page.evaluate("setTimeout(() => { throw new Error('boom') }, 0)")
    page.wait_for_timeout(50)

    assert page_errors.unexpected() == ["page error: boom"]
    page_errors.messages.clear()


def test_allowed_status_errors_are_not_unexpected(page, login_as, page_errors):
    login_as("charlie")
    page_errors.allow("the server responded with a status of 403")

    page.goto("/statistik/")
    page.evaluate("0")

    assert page_errors.messages
    assert page_errors.unexpected() == []
