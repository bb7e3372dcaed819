"""Drive the "Opret kontaktpunkt" wizard (and "Redigér") through Django's test client, step by
step, as a browser would post it: field prefixes, the wizard's management form, the
Tilbage/Redigér/Annullér buttons.

`PointWizard(client, organisation)` posts one step at a time and follows the redirect, so
each call returns the page the person sees next. `valid_steps()` gives complete, valid input.
"""

import html
import re
from dataclasses import dataclass, field

from tests.support.wizard_client import (  # noqa: F401 -- re-exported
    WizardClient,
    current_step,
    field_error,
    shown_value,
)

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


class PointWizard(WizardClient):
    steps = STEPS

    def __init__(self, client, organisation, *, point=None) -> None:
        if point is None:
            base, prefix = CREATE, f"contacts_point_create_{organisation.pk.hex}"
        else:
            base = f"/kontaktstruktur/kontaktpunkt/{point.pk}/rediger/"
            prefix = f"contacts_point_edit_{organisation.pk.hex}_{point.pk.hex}"
        super().__init__(client, base=base, prefix=prefix)


def summary_values(response) -> dict[str, str]:
    """The summary's rows: data-row key → the value cell's text."""
    content = response.content.decode()
    rows = re.findall(
        r'<tr data-row="([^"]+)">\s*<th[^>]*>.*?</th>\s*<td[^>]*>(.*?)</td>', content, re.S
    )
    return {key: html.unescape(re.sub(r"<br>", "\n", value)).strip() for key, value in rows}
