"""`manage.py demo_receiver` as a process (SPEC §15): it reads the credentials `manage.py demo`
left, serves HTTPS with the development certificate, and stops cleanly on SIGTERM; without
the credentials it refuses to start and says what to do."""

import signal
import ssl
import subprocess
import time

import httpx
from django.conf import settings

from adgang.messaging.demo_receiver import credentials_write
from tests.core.processes import MANAGE, free_port, process_env


def run(var_dir, *args):
    return subprocess.Popen(  # noqa: S603
        [*MANAGE, "demo_receiver", *args],
        env=process_env(var_dir),
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def health(port: int, cert) -> httpx.Response:
    """The health answer, once the process has made its certificate and listens."""
    deadline = time.monotonic() + 20
    while True:
        try:
            context = ssl.create_default_context(cafile=str(cert))
            return httpx.get(f"https://127.0.0.1:{port}/", verify=context, timeout=2)
        except (OSError, httpx.HTTPError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serves_with_the_development_certificate_and_stops_on_sigterm(tmp_path):
    credentials_write(tmp_path / "demo-receiver.json", {"system_id": "x", "api_key": "Basic eDp5"})
    port = free_port()
    process = run(tmp_path, "--port", str(port))
    try:
        answer = health(port, tmp_path / "demo-tls" / "dev.crt")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    finally:
        process.kill()

    assert answer.json() == {"status": "ok", "messages": 0}
    assert process.returncode == 0
    assert f"Demo receiver on https://127.0.0.1:{port}" in output


def test_refuses_to_start_without_the_credentials_of_manage_py_demo(tmp_path):
    process = run(tmp_path, "--port", str(free_port()))
    output, _ = process.communicate(timeout=30)

    assert process.returncode == 1
    assert "demo-receiver.json is missing: run `manage.py demo` first" in output
