"""Driving a `GuardedWizardView` (adgang.ui.wizard) through Django's test client.

Shared by the tests of "Opret system" and "Opret kontaktpunkt": a subclass sets where the
wizard lives (`base`), its session prefix and its input `steps`.
"""

import html
import re


class WizardClient:
    steps: tuple[str, ...] = ()

    def __init__(self, client, *, base: str, prefix: str) -> None:
        self.client = client
        self.base = base
        self.prefix = prefix
        self.management = f"{prefix}-current_step"

    def stored(self) -> dict:
        """The step data the wizard keeps in the session, by step."""
        return self.client.session.get(f"wizard_{self.prefix}", {}).get("step_data", {})

    def start(self):
        return self.client.get(self.base, follow=True)

    def get(self, step: str):
        return self.client.get(f"{self.base}{step}/", follow=True)

    def payload(self, step: str, data: dict | None = None, **extra) -> dict:
        body = {self.management: step}
        body.update({f"{step}-{name}": value for name, value in (data or {}).items()})
        body.update(extra)
        return body

    def post(self, step: str, data: dict | None = None, *, follow: bool = True, **extra):
        return self.client.post(
            f"{self.base}{step}/", self.payload(step, data, **extra), follow=follow
        )

    def back(self, step: str, data: dict | None = None, *, to: str):
        """ "Tilbage" (or "Redigér" from the summary) with what is typed on `step`."""
        return self.post(step, data, wizard_goto_step=to)

    def cancel(self, step: str, data: dict | None = None, *, follow: bool = True):
        return self.post(step, data, follow=follow, wizard_cancel="1")

    def fill_until(self, last: str, steps):
        """Post every step up to and including `last`; the response of the last post."""
        response = self.start()
        for step in self.steps:
            response = self.post(step, steps.of(step))
            if step == last:
                return response
        raise AssertionError(f"unknown step {last}")

    def complete(self, steps):
        """All steps and the summary's submit; the receipt (or the page that refused)."""
        return self.fill_until(self.steps[-1], steps)


def current_step(response) -> str:
    """The step a wizard page shows (from its URL)."""
    match = re.search(r"/(?:opret|rediger)/([^/]+)/$", response.request["PATH_INFO"])
    return match.group(1) if match else ""


def field_error(response, step: str, name: str) -> str:
    """The message shown next to the field (its DKFDS error span), "" if none."""
    content = response.content.decode()
    match = re.search(
        rf'<span class="form-error-message" id="id_{re.escape(step)}-{re.escape(name)}-error">'
        r'<span class="sr-only">[^<]*</span>(.*?)</span>',
        content,
        re.S,
    )
    return html.unescape(match.group(1)).strip() if match else ""


def shown_value(response, name: str):
    """What the re-rendered form shows in the field (its bound value)."""
    return response.context["form"][name].value()
