"""How the Digital Post core recognises a calling system (SPEC §13, NGDP-API.md).

`authenticate_system()` is the one entry point. It answers the system, or a refusal that
carries the HTTP status the API must send: 401 for credentials we do not recognise, 403 for
a known system calling from an address it may not use, or outside its active window, 429
for a system id with too many wrong keys lately (`adgang.systems.throttle`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from adgang.systems import throttle
from adgang.systems.apikeys import PREFIX_LENGTH, apikey_matches, apikey_parse
from adgang.systems.models import MailSystem
from adgang.systems.validation import ip_allowed

# "Last used" is shown on the details page; recording it at most once a minute keeps API
# calls from writing a row each.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class AuthRefusal:
    code: str  # dotted, as NgDP error codes
    status: int
    message: str
    retry_after: int | None = None  # seconds, for 429

    def __bool__(self) -> bool:  # a refusal is falsy, so `if result:` means "authenticated"
        return False


MISSING = AuthRefusal("authorization.missing", 401, "Authorization header is missing.")
MALFORMED = AuthRefusal(
    "authorization.malformed", 401, "Authorization must be Basic base64(systemId:apiKey)."
)
BAD_CREDENTIALS = AuthRefusal("authorization.invalid", 401, "Unknown system or wrong API key.")
IP_NOT_ALLOWED = AuthRefusal(
    "ip.not.allowed", 403, "The calling IP address is not allowed for this system."
)
INACTIVE = AuthRefusal("system.not.active", 403, "The system is not active.")
THROTTLED_CODE = "authorization.throttled"
_NO_HASH = "0" * 64  # the SHA-256 of no secret we ever issue


def authenticate_system(
    authorization_header: str | None, client_ip: str, now: datetime
) -> MailSystem | AuthRefusal:
    """The active system whose API key is in the header and who may call from `client_ip`."""
    if not authorization_header:
        return MISSING
    parsed = apikey_parse(authorization_header)
    if parsed is None:
        return MALFORMED
    system_id, secret = parsed
    failures = throttle.failures_of(system_id)
    retry_after = throttle.locked_for(failures, now)
    if retry_after is not None:  # the key is not even looked at
        return AuthRefusal(
            THROTTLED_CODE,
            429,
            f"Too many failed authentications for this system. Try again in {retry_after} seconds.",
            retry_after=retry_after,
        )
    # At most one row (the primary key): no ORDER BY for `.first()` to build and send.
    found = (
        MailSystem.objects.alive()
        .select_related("organisation")
        .filter(pk=system_id, api_key_prefix=secret[:PREFIX_LENGTH])
        .order_by()[:1]
    )
    system = next(iter(found), None)
    # Hash and compare also when no row matched, so the answer takes as long either way.
    stored_hash = system.api_key_hash if system is not None else _NO_HASH
    if not apikey_matches(secret, stored_hash=stored_hash) or system is None:
        throttle.failure_record(system_id, failures, now)
        return BAD_CREDENTIALS
    throttle.failure_reset(system_id, failures)
    if not ip_allowed(client_ip, addresses=system.allowed_ips, ip_range=system.ip_range):
        return IP_NOT_ALLOWED
    if not system.is_active_at(now):
        return INACTIVE
    _last_used_record(system, now)
    return system


def _last_used_record(system: MailSystem, now: datetime) -> None:
    """Write `last_used_at` when the row just loaded says it is older than the resolution
    (or unset): most calls then send no UPDATE at all. The UPDATE keeps the same condition,
    so concurrent calls that all loaded an old value still write it once."""
    since = now - LAST_USED_RESOLUTION
    if system.last_used_at is not None and system.last_used_at >= since:
        return
    written = (
        MailSystem.objects.filter(pk=system.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=since))
        .update(last_used_at=now)
    )
    if written:
        system.last_used_at = now
