"""Drive the "Opret kontaktpunkt" wizard (and "Redigér") through Django's test client, step by
step, as a browser would post it: field prefixes, the wizard's management form, the
Tilbage/Redigér/Annullér buttons.

`PointWizard(client, organisation)` posts one step at a time and follows the redirect, so
each call returns the page the person sees next. `valid_steps()` gives complete, valid input.
"""

import html
import re
from dataclasses import dataclass, field

DESCRIPTION, ACCESSIBILITY, MARKUP, CONNECTION, SUMMARY = (
    "beskrivelse",
    "tilgaengelighed",
    "opmaerkning",
    "tilslutning",
    "opsummering",
)
STEPS = (DESCRIPTION, ACCESSIBILITY, MARKUP, CONNECTION, SUMMARY)
CREATE = "/kontaktstruktur/kontaktpunkt/opret/"
VALID_GLN = "5790000000012"


@dataclass
class Steps:
    """The four input steps' data (field names without the step prefix)."""

    description: dict = field(
        default_factory=lambda: {
            "name": "Pas og kørekort",
            "description": "Spørgsmål om pas, kørekort og sundhedskort.",
            "internal_note": "Borgerservice svarer.",
        }
    )
    accessibility: dict = field(
        default_factory=lambda: {"visibility": "visible", "targets": ["CITIZEN"]}
    )
    markup: dict = field(default_factory=lambda: {"keywords": "pas\nkørekort"})
    connection: dict = field(default_factory=dict)

    def of(self, step: str) -> dict:
        return {
            DESCRIPTION: self.description,
            ACCESSIBILITY: self.accessibility,
            MARKUP: self.markup,
            CONNECTION: self.connection,
            SUMMARY: {},
        }[step]


def valid_steps(**overrides) -> Steps:
    steps = Steps()
    for step, values in overrides.items():
        getattr(steps, step).update(values)
    return steps


class PointWizard:
    def __init__(self, client, organisation, *, point=None) -> None:
        self.client = client
        if point is None:
            self.base = CREATE
            self.prefix = f"contacts_point_create_{organisation.pk.hex}"
        else:
            self.base = f"/kontaktstruktur/kontaktpunkt/{point.pk}/rediger/"
            self.prefix = f"contacts_point_edit_{organisation.pk.hex}_{point.pk.hex}"
        self.management = f"{self.prefix}-current_step"

    def stored(self) -> dict:
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

    def cancel(self, step: str, data: dict | None = None):
        return self.post(step, data, wizard_cancel="1")

    def fill_until(self, last: str, steps: Steps):
        """Post every input step up to and including `last`; the response of the last post."""
        response = self.start()
        for step in STEPS:
            response = self.post(step, steps.of(step))
            if step == last:
                return response
        raise AssertionError(f"unknown step {last}")

    def complete(self, steps: Steps):
        """All steps and "Tilslut"; the receipt page (or the page that refused)."""
        return self.fill_until(SUMMARY, steps)


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


def summary_values(response) -> dict[str, str]:
    """The summary's rows: data-row key → the value cell's text."""
    content = response.content.decode()
    rows = re.findall(
        r'<tr data-row="([^"]+)">\s*<th[^>]*>.*?</th>\s*<td[^>]*>(.*?)</td>', content, re.S
    )
    return {key: html.unescape(re.sub(r"<br>", "\n", value)).strip() for key, value in rows}
