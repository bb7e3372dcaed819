"""The pages' baked log searches (adgang/eventlog/baked.py) return exactly what the ORM
queryset of the same search returns — rows, order, count — for every filter and sort, on
both databases; and every shape the pages use is baked (none falls back to the ORM)."""

import itertools
import random
import uuid
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.audit.models import Register, Subject
from adgang.eventlog import queries
from adgang.eventlog.baked import BakeError, Baker
from adgang.eventlog.models import LogKind
from adgang.eventlog.queries import PAGE_COLUMNS, SORTS, LogResults, log_rows
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageKind
from tests.support.eventlog_rows import (
    CITIZEN,
    COMPANY,
    OTHER_CITIZEN,
    action_entry,
    message_event,
    search_entry,
)

CRITERIA = {"start": "2026-02-15", "end": "2026-03-15"}
MESSAGE_IDS = [uuid.uuid4() for _ in range(3)]
SYSTEM_IDS = [uuid.uuid4() for _ in range(2)]


@pytest.fixture
def logs(personas, frozen):
    """Rows of every log in Kommune A (and one in Kommune M) with varied values."""
    org = personas.lars.organisation
    rng = random.Random(5)
    for index in range(40):
        at = frozen - timedelta(hours=rng.randint(1, 24 * 40))
        message_id = rng.choice(MESSAGE_IDS)
        message_event(
            org,
            at,
            title=rng.choice(["Brev A", "Brev B", "Afgørelse"]),
            direction=rng.choice(list(Direction.values)),
            event=rng.choice([EventTag.VALIDATED, EventTag.REJECTED, EventTag.FETCHED]),
            kind=rng.choice([MessageKind.LETTER, MessageKind.NEMSMS]),
            message_uuid=str(message_id) if index % 3 else str(uuid.uuid4()),
            sender_system_id=rng.choice(SYSTEM_IDS),
            recipient_id=rng.choice([CITIZEN, OTHER_CITIZEN, COMPANY]),
            value_date=(at.date() if index % 4 == 0 else None),
        )
        action_entry(
            org,
            at,
            subject=rng.choice([Subject.SYSTEM, Subject.FRITAGELSE]),
            concerns=rng.choice([CITIZEN, COMPANY, ""]),
            actor_rid=rng.choice(["1001", "1002"]),
            actor_cvr=org.cvr,
            object_id=rng.choice(["obj-1", "obj-2"]),
            event=rng.choice(["Oprettet", "Redigeret"]),
        )
        search_entry(
            org,
            at,
            search_data=rng.choice([CITIZEN, COMPANY]),
            actor_rid=rng.choice(["1001", "1002"]),
            register=rng.choice([Register.FRITAGELSESREGISTER, Register.HAENDELSESLOG]),
        )
    message_event(personas.maja.organisation, frozen - timedelta(days=1))
    return org


FILTERS = {
    LogKind.MESSAGES: {
        "party_id": [CITIZEN, COMPANY, "0303030303"],
        "kind": [MessageKind.LETTER, MessageKind.NEMSMS],
        "direction": list(Direction.values),
        "message_id": [str(value) for value in MESSAGE_IDS],
        "system_id": [str(value) for value in SYSTEM_IDS],
        "event": [EventTag.VALIDATED, EventTag.FETCHED],
    },
    LogKind.ACTIONS: {
        "subject": [Subject.SYSTEM, Subject.FRITAGELSE],
        "concerns": [CITIZEN, COMPANY],
        "actor_concerns": [CITIZEN],
        "actor_rid": ["1001", "1002"],
        "actor_cvr": ["29189846"],
        "object_id": ["obj-1", "obj-2"],
        "event": ["Oprettet"],
    },
    LogKind.SEARCHES: {
        "search_data": [CITIZEN, COMPANY],
        "actor_rid": ["1001"],
        "register": [Register.FRITAGELSESREGISTER, Register.HAENDELSESLOG],
    },
}
SORT_KEYS = {kind: ["", *[f"{p}{key}" for key in SORTS[kind] for p in ("", "-")]] for kind in SORTS}


def expected_rows(kind, org, criteria, sort, offset, limit):
    rows = log_rows(kind, org, criteria, sort=sort).values(*PAGE_COLUMNS[kind])
    return list(rows[offset : offset + limit])


def results(kind, org, criteria, sort="", number=1, size=10, cap=10_000):
    return LogResults(kind, org, criteria, floor=None, sort=sort, number=number, size=size, cap=cap)


def page_of(found, offset, size):
    return [row._values for row in found[offset : offset + size]]


@pytest.mark.parametrize("kind", list(FILTERS))
def test_every_single_filter_and_sort_is_baked_and_equals_the_orm(logs, kind):
    for name, values in [(None, [None]), *FILTERS[kind].items()]:
        for value, sort in itertools.product(values, SORT_KEYS[kind]):
            criteria = dict(CRITERIA) if name is None else {**CRITERIA, name: value}
            found = results(kind, logs, criteria, sort=sort)
            # Every shape the pages use is baked: no silent fallback to the ORM.
            assert found._baked(count=False) is not None, (name, sort)
            assert found._baked(count=True) is not None, (name, sort)
            total = log_rows(kind, logs, criteria).count()
            assert found.count() == total, (name, value, sort)
            assert page_of(found, 0, 10) == expected_rows(kind, logs, criteria, sort, 0, 10)
            later = results(kind, logs, criteria, sort=sort, number=2)
            assert page_of(later, 10, 10) == expected_rows(kind, logs, criteria, sort, 10, 10)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_combination_of_filters_equals_the_orm(logs, data):
    kind = data.draw(st.sampled_from(list(FILTERS)))
    names = data.draw(st.sets(st.sampled_from(list(FILTERS[kind]))))
    criteria = dict(CRITERIA)
    for name in names:
        criteria[name] = data.draw(st.sampled_from(FILTERS[kind][name]))
    sort = data.draw(st.sampled_from(SORT_KEYS[kind]))
    size = data.draw(st.sampled_from([10, 25]))
    number = data.draw(st.integers(min_value=1, max_value=3))
    cap = data.draw(st.sampled_from([3, 10_000]))
    found = results(kind, logs, criteria, sort=sort, number=number, size=size, cap=cap)
    total = log_rows(kind, logs, criteria).count()
    count = found.count()
    if number == 1 and total < size:
        assert count == total
    else:
        assert count == min(total, cap + 1)
    offset = (number - 1) * size
    assert page_of(found, offset, size) == expected_rows(kind, logs, criteria, sort, offset, size)


def test_a_narrow_first_page_runs_one_query_a_wide_one_two(logs, django_assert_num_queries):
    narrow = results(LogKind.MESSAGES, logs, {**CRITERIA, "party_id": "0303030303"})
    narrow._baked(count=False), narrow._baked(count=True)  # compiled outside the count
    with django_assert_num_queries(1):
        assert narrow.count() == 0
        assert narrow[0:0] == []
    wide = results(LogKind.MESSAGES, logs, dict(CRITERIA), size=10)
    wide._baked(count=False), wide._baked(count=True)
    total = log_rows(LogKind.MESSAGES, logs, CRITERIA).count()
    assert total > 10
    with django_assert_num_queries(2):
        assert wide.count() == total
        assert len(wide[0:10]) == 10


def test_rows_show_labels_and_pk_like_model_instances(logs):
    row = results(LogKind.MESSAGES, logs, {**CRITERIA, "kind": MessageKind.NEMSMS})[0:1][0]
    assert row.get_kind_display() == "NemSMS"
    assert row.pk == row.id
    assert row.get_direction_display() in ("Udgående", "Indgående")
    with pytest.raises(AttributeError):
        row.no_such_column  # noqa: B018


def test_another_organisation_is_never_seen(logs, personas):
    found = results(LogKind.MESSAGES, personas.maja.organisation, dict(CRITERIA))
    assert found.count() == 1
    assert {row.id for row in found[0:10]} != set()
    assert all(
        row.id not in set(log_rows(LogKind.MESSAGES, logs, CRITERIA).values_list("id", flat=True))
        for row in found[0:10]
    )


def test_a_shape_whose_sql_changes_with_a_value_is_not_baked(db):
    from adgang.messaging.models import MessageEvent

    def build(values):
        # The value decides which column is filtered: no parameter mapping can explain it.
        field = "title" if values["x"].endswith("0") else "endpoint"
        return MessageEvent.objects.filter(**{field: values["x"]}).order_by("id")

    baker = Baker(build, ("id",))
    with pytest.raises(BakeError):
        baker.get("odd", {"x": "text"}, "default", count=False)
    with pytest.raises(BakeError):  # remembered: not tried again
        baker.get("odd", {"x": "text"}, "default", count=False)


def test_queries_module_keeps_one_definition_per_log():
    assert set(queries.BUILDERS) == set(PAGE_COLUMNS) == set(SORTS)
