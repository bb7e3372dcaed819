"""Settings for the worker subprocess of the crash test: the portal's settings with a short
lease and a recovery job every second, so a killed worker's move resumes within seconds."""

from adgang.settings import *  # noqa: F403

ADGANG_MOVEPOST_LEASE_SECONDS = 3
ADGANG_MOVEPOST_RECOVER_SECONDS = 1
ADGANG_HEARTBEAT_SECONDS = 1
