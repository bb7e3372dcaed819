"""A delivery worker process for the bench: `python -m adgang.messaging.bench.worker DIR`.

It sets Django up, says it is ready (DIR/ready-<pid>), waits for DIR/go so that start-up is
not timed, then runs the real delivery code — `deliveries_run` with the task's batch size,
as `tasks.deliveries_task` drains it — until a run finds nothing due, and prints how many
deliveries it attempted as JSON.
"""

import json
import os
import sys
import time
from pathlib import Path

WAIT_SECONDS = 120


def main(directory: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adgang.settings")
    django.setup()
    from adgang.messaging.delivery import deliveries_run
    from adgang.messaging.tasks import BATCH

    (directory / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while not (directory / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("no go")
        time.sleep(0.01)
    attempted = 0
    while True:
        done = deliveries_run(limit=BATCH)
        attempted += done
        if done == 0:
            break
    print(json.dumps({"attempted": attempted}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
