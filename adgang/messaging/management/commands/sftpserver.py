"""`manage.py sftpserver`: the SFTP intake for SFTP sender systems (SPEC §13).

Started by `make run` (runportal) beside the web server and the worker. SIGINT, SIGTERM and
SIGHUP stop it cleanly: no new connections, open sessions closed, database threads joined.
"""

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from adgang.messaging.sftp.server import serve

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Command(BaseCommand):
    help = "Run the SFTP intake for SFTP sender systems (Ctrl-C stops it)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.ADGANG_SFTP_HOST)
        parser.add_argument("--port", type=int, default=settings.ADGANG_SFTP_PORT)

    def handle(self, *args, host, port, **options):
        asyncio.run(self._run(host, port))

    async def _run(self, host: str, port: int) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, stop.set)

        def ready(bound: int) -> None:
            self.stdout.write(f"SFTP intake: sftp://{host}:{bound}/ (Ctrl-C stops)")
            self.stdout.flush()

        await serve(host=host, port=port, stop=stop, ready=ready)
