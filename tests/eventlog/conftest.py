"""Fixtures of the Hændelseslog tests."""

from datetime import datetime

import pytest


@pytest.fixture
def frozen(time_machine):
    """The clock at 2026-03-15 12:00 Danish time (11:00 UTC)."""
    time_machine.move_to("2026-03-15 11:00:00+00:00", tick=False)
    return datetime.fromisoformat("2026-03-15 11:00:00+00:00")
