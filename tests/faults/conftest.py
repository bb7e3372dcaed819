"""The fault suite (issue 10, marker `faults`): kill -9 of workers mid-work, database
connections cut under running processes, misbehaving receivers. After each: nothing lost,
nothing delivered twice (counted at the receiver), every job finished or visibly failed
with a reason.

Scenarios with real concurrent processes run on PostgreSQL only (they need a second writer
on the test database); the in-process ones run on SQLite too.
"""

from pathlib import Path

import pytest

from tests.core.conftest import started  # noqa: F401 (a fixture: processes killed at the end)

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.faults)
