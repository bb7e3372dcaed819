"""The URL configuration as data: every route with the access its view declares.

Shared by tests/test_access_declarations.py (every view declares access) and the generated
access matrix in tests/security/test_matrix.py (every declaration is enforced).
"""

from django.urls import URLPattern, URLResolver, get_resolver

from adgang.accounts.access import ACCESS_ATTRIBUTE, Access

API_PREFIX = "apis/"


def walk(patterns, prefix=""):
    """(route, URLPattern) for every pattern, nested includes followed."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def declared_access(callback) -> Access | None:
    """The declaration on a view, or on the view it wraps (class-based or decorated)."""
    seen = set()
    while callback is not None and id(callback) not in seen:
        seen.add(id(callback))
        access = getattr(callback, ACCESS_ATTRIBUTE, None)
        if access is None and hasattr(callback, "view_class"):
            access = getattr(callback.view_class, "access", None) or (
                callback.view_class.get_access()
                if hasattr(callback.view_class, "get_access")
                else None
            )
        if isinstance(access, Access):
            return access
        callback = getattr(callback, "__wrapped__", None)
    return None


def all_routes() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def browser_routes() -> list[tuple[str, Access]]:
    """(route, access) of every page a browser uses: everything outside the machine API."""
    return [
        (route, declared_access(pattern.callback))
        for route, pattern in all_routes()
        if route and not route.startswith(API_PREFIX)
    ]
