"""One delivery worker process for the concurrency test (tests/messaging/
test_delivery_concurrency.py): runs `deliveries_run` until nothing is due, prints the count.

Started as `python tests/support/messaging_delivery_worker.py` with DATABASE_URL pointing at
the test database; it is a separate process, as a second worker host would be.
"""

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adgang.settings")


def main() -> None:
    import django

    django.setup()
    from adgang.messaging.delivery import deliveries_run

    total = 0
    while True:
        done = deliveries_run(limit=100)
        total += done
        if done == 0:
            break
    print(total)


if __name__ == "__main__":
    main()
