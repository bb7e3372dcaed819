"""`manage.py cluster` (`make cluster`): the multi-host shape of docs/operations.md on one
machine — two gunicorn web processes on two ports, two `db_worker`s and the SFTP intake, all
against one local PostgreSQL database, which is created and migrated first.

Ctrl-C (or SIGTERM, SIGHUP) stops them all; one dying stops the others (the supervision of
`runportal`). The children run with this process's environment plus `DATABASE_URL`, so the
settings of `make run` (development: internal addresses allowed, test portal) apply.
"""

import os
import signal
import socket
import subprocess
import sys

import environ
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from adgang.core.management.commands.runportal import STOP_SIGNALS, _supervise

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/adgang_cluster"


def _ports(text: str) -> list[int]:
    ports = [int(part) for part in text.split(",") if part.strip()]
    if not ports or any(not 0 < port < 65536 for port in ports):
        raise ValueError(text)
    return ports


def database_ensure(url: str) -> str:
    """Create the PostgreSQL database of `url` when it does not exist; return its name."""
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError(f"The cluster needs PostgreSQL, not {config['ENGINE']}.")
    name = config["NAME"]
    conninfo = psycopg.conninfo.make_conninfo(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


class Command(BaseCommand):
    help = (
        "Run 2 gunicorn web processes, 2 db_workers and the SFTP intake against one local "
        "PostgreSQL (created and migrated first); Ctrl-C stops them all."
    )

    def add_arguments(self, parser):
        default_url = os.environ.get("DATABASE_URL", "")
        if not default_url.startswith(("postgres://", "postgresql://")):
            default_url = DEFAULT_DATABASE_URL
        parser.add_argument("--database-url", default=default_url)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--web-ports", type=_ports, default=[8001, 8002])
        parser.add_argument("--web-threads", type=int, default=4)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--sftp-port", type=int, default=settings.ADGANG_SFTP_PORT)

    def handle(self, *args, **options):
        url, host = options["database_url"], options["host"]
        name = database_ensure(url)
        environment = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        self.stdout.write(f"Migrating {name} …")
        subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
            [*manage, "migrate", "--noinput", "-v0"], env=environment, check=True
        )
        received: list[int] = []  # the handler only records; the supervision loop acts
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda signum, frame: received.append(signum))
        children = self._start_all(manage, environment, options)
        for line in self._summary(host, options, name):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Cluster running (Ctrl-C stops it)."))
        self.stdout.flush()
        died = _supervise(children, received)
        if died:
            self.stderr.write(f"Stopped because {', '.join(died)} exited.")
            sys.exit(1)

    def _start_all(self, manage, environment, options) -> dict[str, subprocess.Popen]:
        host = options["host"]
        children: dict[str, subprocess.Popen] = {}
        for number, port in enumerate(options["web_ports"], start=1):
            children[f"web-{number}"] = _start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "adgang.wsgi:application",
                    f"--bind={host}:{port}",
                    "--workers=1",
                    "--worker-class=gthread",
                    f"--threads={options['web_threads']}",
                    "--log-level=warning",
                ],
                environment,
            )
        hostname = socket.gethostname()
        for number in range(1, options["workers"] + 1):
            worker_id = f"cluster-{hostname}-{number}"[:64]
            children[f"worker-{number}"] = _start(
                [*manage, "db_worker", "--no-reload", "--worker-id", worker_id], environment
            )
        children["sftp"] = _start(
            [*manage, "sftpserver", "--host", host, "--port", str(options["sftp_port"])],
            environment,
        )
        return children

    def _summary(self, host, options, name) -> list[str]:
        lines = [f"database: {name}"]
        lines += [
            f"web-{number}: http://{host}:{port}/ (API http://{host}:{port}/apis/v1/)"
            for number, port in enumerate(options["web_ports"], start=1)
        ]
        lines.append(f"workers: {options['workers']} × manage.py db_worker")
        lines.append(f"sftp: sftp://{host}:{options['sftp_port']}/")
        return lines


def _start(command: list[str], environment: dict[str, str]) -> subprocess.Popen:
    # A process group of its own: the terminal's Ctrl-C reaches only us, and we pass it on.
    return subprocess.Popen(command, env=environment, process_group=0)  # noqa: S603
