"""`manage.py demo_receiver`: run the demo's REST PUSH receiver system (SPEC §15).

`manage.py demo` connects Kommune A's "Demo-modtager" (REST PUSH, endpoint
https://127.0.0.1:8443/digitalpost/modtag) and writes its id and API key to
`var/demo-receiver.json`; this command reads that file, serves the endpoint over TLS with the
development certificate (`var/demo-tls/dev.crt`, which the portal trusts through
`ADGANG_OUTBOUND_CA_FILE`), stores what it receives under `var/demo-receiver/` and sends a
business receipt for each message to the portal. Ctrl-C stops it.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from adgang.core.devtls import self_signed_certificate
from adgang.messaging.demo_receiver import (
    DemoReceiverServer,
    MessageStore,
    PortalCredentials,
    ReceiptSender,
    credentials_path,
    credentials_read,
    storage_directory,
    tls_directory,
)


class Command(BaseCommand):
    help = "Run the demo receiver system (REST PUSH over HTTPS) that sends business receipts."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8443)
        parser.add_argument(
            "--portal",
            default="http://127.0.0.1:8000",
            help="The portal's base URL, where business receipts go.",
        )
        parser.add_argument("--no-receipts", action="store_true", help="Only store messages.")

    def handle(self, *args, host, port, portal, no_receipts, **options):
        logging.basicConfig(level=logging.INFO, format="demo_receiver: %(message)s")
        credentials = credentials_read(credentials_path())
        if not no_receipts and not credentials:
            raise CommandError(
                f"{credentials_path()} is missing: run `manage.py demo` first "
                "(it connects the demo receiver system and writes its API key there)."
            )
        cert, key = self_signed_certificate(tls_directory(), hosts=(host, "127.0.0.1", "localhost"))
        receipts = None
        if not no_receipts:
            receipts = ReceiptSender(
                PortalCredentials(portal_url=portal, authorization=credentials["api_key"])
            )
            receipts.start()
        try:
            server = DemoReceiverServer(
                (host, port),
                store=MessageStore(storage_directory()),
                cert=cert,
                key=key,
                receipts=receipts,
            )
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo receiver on {server.url} (system {credentials and credentials['system_id']}"
                f"), storing in {storage_directory()}; receipts to {portal}. Ctrl-C stops."
            )
        )
        self.stdout.flush()
        # SIGTERM (a supervisor) stops it like Ctrl-C; SIGINT may arrive ignored from a
        # background start, so its default handler is put back.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(
            signal.SIGTERM,
            lambda signum, frame: threading.Thread(target=server.shutdown, daemon=True).start(),
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            if receipts is not None:
                receipts.stop()
