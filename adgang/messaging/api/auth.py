"""Who is calling: the system behind `Authorization: Basic base64(systemId:apiKey)` (SPEC §3,
§13; NGDP-API.md "Authentication").

`adgang.systems.auth.authenticate_system` checks the key, the caller's address and the active
window; here we add the address source (socket or trusted proxy header) and the system type
each operation needs: sending needs a sender system on a REST protocol (an SFTP sender drops
files, it does not call REST), receiving needs a receiver system.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBasicAuth

from adgang.core import clock
from adgang.core.client_ip import client_ip
from adgang.messaging.api.errors import SYSTEM_TYPE_NOT_ALLOWED, ApiError
from adgang.systems.auth import AuthRefusal, authenticate_system
from adgang.systems.models import MailSystem, Protocol

REST_PROTOCOLS = frozenset(
    {Protocol.REST_PUSH, Protocol.REST_PULL, Protocol.REST_PUBLISH_SUBSCRIBE}
)


class SystemAuth(HttpBasicAuth):
    """ninja security scheme "Basic" that answers NgDP errors instead of ninja's 401."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def __call__(self, request: HttpRequest) -> MailSystem:
        header = request.headers.get("Authorization")
        result = authenticate_system(header, client_ip(request), clock.now())
        if isinstance(result, AuthRefusal):
            headers = {"Retry-After": str(result.retry_after)} if result.retry_after else None
            raise ApiError(result.status, result.code, result.message, headers=headers)
        if not self.allows(result):
            raise ApiError(
                403,
                SYSTEM_TYPE_NOT_ALLOWED,
                f"This operation needs a {self.role} system using a REST protocol."
                if self.role == "sender"
                else f"This operation needs a {self.role} system.",
            )
        return result

    def allows(self, system: MailSystem) -> bool:
        if self.role == "sender":
            return system.is_sender and system.protocol in REST_PROTOCOLS
        return system.is_receiver

    def authenticate(self, request, username, password):  # pragma: no cover - not used
        raise NotImplementedError


sender_auth = SystemAuth("sender")
receiver_auth = SystemAuth("receiver")
