"""The Digital Post machine API under /apis/v1 (SPEC §13, §15; NGDP-API.md), django-ninja.

OpenAPI at /apis/v1/openapi.json; no interactive docs page (it would load scripts from a CDN,
which the CSP forbids). Callers are systems, not people: each operation authenticates the
system itself (auth.py), so the views are declared with `SYSTEM_API` access for the rights
meta-test (login not required: no session, no cookie, no CSRF token is involved).
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponseNotAllowed
from django.urls import re_path
from ninja import NinjaAPI

from adgang.accounts.access import ACCESS_ATTRIBUTE, Access
from adgang.messaging.api import (  # noqa: F401  (register the operations)
    logos,
    receivers,
    senders,
    system_fetches,
)
from adgang.messaging.api.errors import (
    errors_install,
    method_not_allowed_response,
    not_found_response,
)
from adgang.messaging.api.router import router

# No person logs in: the system's API key is checked by every operation (auth.py).
SYSTEM_API = Access(login=False)

DESCRIPTION = """
The Digital Post core's sender and receiver API, compatible with NgDP's `/apis/v1` (OpenAPI
1.68.0) on the paths, field names, enums and status codes it implements.

**Authentication**: `Authorization: Basic base64(<systemId>:<apiKey>)` with the API key from
Systemtilslutning's receipt, from one of the system's allowed IP addresses, while the system is
active. 401 for a missing or unknown key, 403 for a wrong IP, an inactive system or a system
of the wrong type (`system.type.not.allowed`: sending needs a sender system on a REST
protocol, receiving a receiver system).

**Errors** are NgDP ErrorMessages: `{code, message, fieldErrors: [{resource, field, code,
message, rejectedValue}]}` with a dotted lower-case code.

**Paging**: `page` (zero-based) and `size`; pages answer `{content, page, size,
totalElements, totalPages}`.
"""


class DigitalPostAPI(NinjaAPI):
    """NinjaAPI whose URL patterns all answer in NgDP's error shape: 405 and 404 included
    (ninja answers them as plain text or via Django's HTML 404 page)."""

    def _get_urls(self):
        patterns = super()._get_urls()
        patterns.append(re_path(r"^.*$", _unknown_path, name="unknown"))
        for pattern in patterns:
            pattern.callback = _api_view(pattern.callback)
        return patterns


def _unknown_path(request, *args, **kwargs):
    raise Http404


def _api_view(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return not_found_response()
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed_response(response["Allow"])
        return response

    wrapper.csrf_exempt = True  # systems send no CSRF token (and no cookies)
    setattr(wrapper, ACCESS_ATTRIBUTE, SYSTEM_API)
    return wrapper


api = DigitalPostAPI(
    title="Administrativ Adgang – Digital Post API",
    version="1.68.0",
    description=DESCRIPTION,
    urls_namespace="apis-v1",
    docs_url=None,
)
errors_install(api)
api.add_router("", router)
