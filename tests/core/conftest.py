"""Fixtures for the tests that run the worker and the portal as real processes."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.processes import MANAGE, children_of, is_running, process_env


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: starts real processes (a few seconds each); run by default"
    )


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for each test that needs one."""
    var_dir = tmp_path_factory.mktemp("template-var")
    subprocess.run(  # noqa: S603
        [*MANAGE, "migrate", "--noinput", "-v0"],
        env=process_env(var_dir),
        check=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    return var_dir / "adgang.sqlite3"


@pytest.fixture
def var_dir(tmp_path, migrated_template) -> Path:
    """A fresh ADGANG_VAR_DIR holding a migrated, empty database."""
    shutil.copy(migrated_template, tmp_path / "adgang.sqlite3")
    return tmp_path


@pytest.fixture
def started():
    """Start a process in its own session; whatever is still running at the end is killed."""
    processes: list[subprocess.Popen] = []

    def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603
                command,
                env=env,
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(process)
        return process

    yield start
    for process in processes:
        for pid in [*children_of(process.pid), process.pid]:
            if is_running(pid):
                os.kill(pid, 9)
        process.wait(timeout=10)
