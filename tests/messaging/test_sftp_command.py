"""`manage.py sftpserver` as a real process: it listens, keeps its host key, and stops cleanly
on SIGTERM and SIGINT (what runportal forwards)."""

import os
import signal
import socket
import stat
import subprocess

import pytest
from django.conf import settings

from tests.core.processes import MANAGE, free_port, process_env, wait_until


def banner(port: int) -> bytes:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            return connection.recv(64)
    except OSError:
        return b""


@pytest.fixture
def start(tmp_path):
    processes: list[subprocess.Popen] = []

    def run(port: int) -> subprocess.Popen:
        log = (tmp_path / "sftp.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            [*MANAGE, "sftpserver", "--port", str(port)],
            env=process_env(tmp_path),
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(process)
        wait_until(lambda: banner(port).startswith(b"SSH-2.0-"), timeout=30, message="banner")
        return process

    yield run
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_server_answers_ssh_and_stops_cleanly_on_a_signal(start, signum):
    port = free_port()
    process = start(port)

    process.send_signal(signum)

    assert process.wait(timeout=20) == 0
    assert banner(port) == b""


def test_the_host_key_is_generated_once_readable_only_by_its_owner(start, tmp_path):
    key_file = tmp_path / "sftp_host_ed25519_key"
    process = start(free_port())
    first = key_file.read_bytes()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)

    process = start(free_port())

    assert key_file.read_bytes() == first
    assert b"OPENSSH PRIVATE KEY" in first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
