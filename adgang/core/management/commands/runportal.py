"""`manage.py runportal`: the embedded default's web server **and** background worker.

Used by `make run`. Starts `runserver` and `db_worker` as child processes, stops both on
Ctrl-C (or SIGTERM), and stops the other if one of them dies, so the portal never runs
silently without its worker.
"""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and the background worker together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        manage = [sys.executable, "manage.py"]
        children = {
            "worker": subprocess.Popen([*manage, "db_worker", "--no-reload"]),  # noqa: S603
            "web": subprocess.Popen(  # noqa: S603
                [*manage, "runserver", f"{host}:{port}", "--noreload"]
            ),
        }
        self.stdout.write(
            self.style.SUCCESS(f"Administrativ Adgang: http://{host}:{port}/login/ (Ctrl-C stops)")
        )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(c.poll() is None for c in children.values()):
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [name for name, c in children.items() if c.returncode not in (0, -15, None)]
        if failed and not stopping:
            self.stderr.write(f"Stopped because {', '.join(failed)} exited.")
            sys.exit(1)
