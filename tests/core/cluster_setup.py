"""Run inside the cluster's database by `test_cluster.py` (`manage.py shell -c`): the demo's
organisations, a REST sender system of Kommune A and a REST PUSH receiver system of Kommune M
posting to the test's receiver, both allowing 127.0.0.1. Prints the sender's Basic header."""

import json
import sys

from adgang.accounts import demo
from adgang.accounts.models import Membership
from adgang.systems.models import Protocol
from adgang.systems.rules import RECEIVER, SENDER
from tests.support.systems_core import create


def main(endpoint: str) -> None:
    demo.load()
    alice = Membership.objects.get(organisation__cvr=demo.ORGANISATIONS["A"][0], rid="1001")
    maja = Membership.objects.get(organisation__cvr=demo.ORGANISATIONS["M"][0], rid="2001")
    sender = create(alice, SENDER, Protocol.REST_PULL, allowed_ips=("127.0.0.1",))
    create(maja, RECEIVER, Protocol.REST_PUSH, endpoint=endpoint, allowed_ips=("127.0.0.1",))
    sys.stdout.write(json.dumps({"authorization": sender.api_key}) + "\n")
