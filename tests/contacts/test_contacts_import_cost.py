"""The import dry run's cost per row is plain validation (issue 10): the Danish and current
labels of target groups and code types are looked up once per analysis, not switched to for
every cell of every row."""

import pytest
from django.utils import translation

from adgang.contacts import transfer, validation
from adgang.contacts.models import Target
from tests.support.contacts_factories import build, organisation_new


def _switches(monkeypatch, points: int) -> tuple[int, transfer.Analysis]:
    organisation = organisation_new()
    build(
        organisation,
        groups=["G"],
        points=[f"P{number}" for number in range(points)],
        edges=[("G", f"P{number}") for number in range(points)],
        point_fields={
            "targets": [Target.CITIZEN, Target.COMPANY, Target.AUTHORITY],
            "codes": [{"type": "FORM", "code": "1.2"}, {"type": "KLE", "code": "27.24.00"}],
        },
    )
    content = transfer.build_workbook(organisation)
    validation._names_in.cache_clear()
    calls = []
    activate = translation.activate
    monkeypatch.setattr(
        translation, "activate", lambda language: calls.append(language) or activate(language)
    )
    analysis = transfer.analyse(organisation, content)
    monkeypatch.setattr(translation, "activate", activate)
    return len(calls), analysis


@pytest.mark.django_db
def test_the_dry_run_switches_language_a_fixed_number_of_times_whatever_the_rows(monkeypatch):
    few, small = _switches(monkeypatch, 3)
    many, large = _switches(monkeypatch, 30)
    assert small.errors == [] and large.errors == []
    assert small.operations == [] and large.operations == []
    assert many == few


def test_labels_read_back_in_danish_and_in_the_current_language():
    with translation.override("en"):
        assert validation.validate_targets(["Borger", "company", "AUTHORITY"]) == [
            Target.CITIZEN,
            Target.COMPANY,
            Target.AUTHORITY,
        ]
    with translation.override("da"):
        assert validation.validate_targets(["Virksomhed"]) == [Target.COMPANY]
