"""`manage.py runportal`: the embedded default's web server **and** background worker.

Used by `make run`. Starts `runserver` and `db_worker` as child processes (and `sftpserver`,
the SFTP intake, where `ADGANG_SFTP_ENABLED`; and `demo_receiver`, the demo's REST PUSH
receiver system, where `ADGANG_DEMO_RECEIVER_ENABLED` and `manage.py demo` has connected it),
stops them all on Ctrl-C (or SIGTERM, SIGHUP),
and stops the others if one of them dies, so the portal never runs silently without its worker.

Each child runs in a process group of its own, so a Ctrl-C in the terminal reaches only this
process, which passes it on exactly once. (Were the children in the terminal's group, they
would get the Ctrl-C directly and a forwarded signal on top; the worker takes a second signal
as "stop the running task now".) A second Ctrl-C is forwarded too, and so forces the worker
to give up its current task; a third kills both.
"""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from adgang.messaging.demo_receiver import credentials_path

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# How long a child may take to stop after a signal before it is killed.
STOP_TIMEOUT_SECONDS = 30


class Command(BaseCommand):
    help = "Run the web server and the background worker together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        received: list[int] = []  # the handler only records; the loop below acts
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda signum, frame: received.append(signum))
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        children = {
            "worker": _start([*manage, "db_worker", "--no-reload"]),
            "web": _start([*manage, "runserver", f"{host}:{port}", "--noreload"]),
        }
        if settings.ADGANG_SFTP_ENABLED:
            children["sftp"] = _start([*manage, "sftpserver"])
        if settings.ADGANG_DEMO_RECEIVER_ENABLED and credentials_path().exists():
            portal = f"http://{host}:{port}"
            children["demo_receiver"] = _start([*manage, "demo_receiver", "--portal", portal])
        self.stdout.write(
            self.style.SUCCESS(f"Administrativ Adgang: http://{host}:{port}/login/ (Ctrl-C stops)")
        )
        self.stdout.flush()
        died = _supervise(children, received)
        if died:
            self.stderr.write(f"Stopped because {', '.join(died)} exited.")
            sys.exit(1)


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, process_group=0)  # noqa: S603


def _passed_on(signum: int, count: int) -> int:
    """Ctrl-C stays Ctrl-C; SIGTERM and SIGHUP become SIGTERM, which both children handle."""
    if count >= 3:
        return signal.SIGKILL
    return signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM


def _supervise(children: dict[str, subprocess.Popen], received: list[int]) -> list[str]:
    """Run until both children have exited; return the names of those that died unasked."""
    forwarded = 0
    died: list[str] = []
    deadline = None
    while any(child.poll() is None for child in children.values()):
        running = [child for child in children.values() if child.poll() is None]
        while forwarded < len(received):
            forwarded += 1
            for child in running:
                child.send_signal(_passed_on(received[forwarded - 1], forwarded))
        if not received and not died and len(running) < len(children):
            died = [name for name, child in children.items() if child.poll() is not None]
            for child in running:
                child.terminate()
        if (received or died) and deadline is None:
            deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        if deadline is not None and time.monotonic() > deadline:
            for child in running:
                child.kill()
        time.sleep(0.1)
    return died
