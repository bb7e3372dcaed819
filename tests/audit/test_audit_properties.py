"""Property: `action_record_changes` writes exactly one entry per field whose value changed."""

from datetime import date

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import SYSTEM, action_record_changes

# Text as a form would pass it: no NUL (PostgreSQL refuses it in text), no lone surrogates.
# List and set items hold no ", ", the separator their rendering joins them with.
text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
item = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)

# One kind of value per field, as a model field has one type; None means "no value".
VALUE_KINDS = [
    text,
    st.integers(),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.lists(item, max_size=4),
    st.frozensets(item, max_size=4),
    st.none() | st.text(st.characters(categories=("L",)), min_size=1, max_size=10),
]


@st.composite
def before_and_after(draw):
    values = draw(st.sampled_from(VALUE_KINDS))
    before = draw(values)
    after = draw(st.just(before) | values)  # unchanged often enough to matter
    return before, after


field_names = st.text(st.characters(categories=("L", "N", "P")), min_size=1, max_size=40)


@settings(
    max_examples=100,
    deadline=None,
    # `db` wraps the whole test in one transaction; each example rolls its savepoint back.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(changes=st.dictionaries(field_names, before_and_after(), max_size=8))
def test_action_record_changes_writes_exactly_the_changed_fields(db, changes):
    with transaction.atomic():
        entries = action_record_changes(
            actor=SYSTEM,
            organisation=None,
            subject=Subject.SYSTEM,
            event="Redigeret",
            object_id="property",
            changes=changes,
        )
        stored = {
            entry.field: (entry.before, entry.after)
            for entry in ActionLogEntry.objects.filter(object_id="property")
        }
        transaction.set_rollback(True)  # every example starts from an empty log
    changed = {field for field, (before, after) in changes.items() if before != after}
    assert set(stored) == changed
    assert len(entries) == len(changed)
    assert all(before != after for before, after in stored.values())
