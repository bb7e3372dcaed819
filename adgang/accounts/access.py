"""Every view declares who may use it (SPEC §1: pages without the right answer 403).

Use exactly one of these on every view; a meta-test walks the URL configuration and fails for
a view without a declaration:

- `@public`: no login (login page, health checks, static language switch).
- `@logged_in`: any logged-in person acting for an organisation (overview, context switch).
- `@rights_required(*slugs, kinds=...)`: logged in **and** holding at least one of the
  rights in the current context, and the organisation is of one of the kinds.

Class-based views use `AccessMixin` with `required_rights` / `allowed_kinds` / `access`.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from adgang.accounts.rights import RIGHTS

ACCESS_ATTRIBUTE = "adgang_access"


@dataclass(frozen=True)
class Access:
    """What a view requires. `rights=()` with `login=True` means any logged-in person."""

    login: bool
    rights: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for slug in self.rights:
            if slug not in RIGHTS:
                raise ValueError(f"Unknown right {slug!r} in a view declaration.")

    def allows(self, acting) -> bool:
        if not self.login:
            return True
        if acting is None:
            return False
        if self.kinds and acting.organisation.kind not in self.kinds:
            return False
        return not self.rights or acting.has_any(self.rights)


PUBLIC = Access(login=False)
LOGGED_IN = Access(login=True)


def _login_redirect(request):
    # A session cookie that no longer maps to a login means the session timed out: say so,
    # so a caseworker posting a form understands why nothing was saved.
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        messages.warning(request, _("Din session er udløbet. Log ind igen for at fortsætte."))
    return redirect_to_login(request.get_full_path())


def check_access(request, access: Access):
    """None when the request may proceed, else the response to send (redirect or 403)."""
    if access.login and request.acting is None:
        return _login_redirect(request)
    if not access.allows(request.acting):
        raise PermissionDenied(_("Du har ikke rettighed til denne side."))
    return None


def declare(access: Access):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            denied = check_access(request, access)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        setattr(wrapper, ACCESS_ATTRIBUTE, access)
        return wrapper

    return decorator


def public(view):
    return declare(PUBLIC)(view)


def logged_in(view):
    return declare(LOGGED_IN)(view)


def rights_required(*slugs: str, kinds: tuple[str, ...] = ()):
    return declare(Access(login=True, rights=tuple(slugs), kinds=tuple(kinds)))


class AccessMixin:
    """Class-based counterpart of the decorators: set `access`, or the two shortcuts."""

    access: Access | None = None
    required_rights: tuple[str, ...] = ()
    allowed_kinds: tuple[str, ...] = ()

    @classmethod
    def get_access(cls) -> Access:
        if cls.access is not None:
            return cls.access
        return Access(login=True, rights=tuple(cls.required_rights), kinds=tuple(cls.allowed_kinds))

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        setattr(view, ACCESS_ATTRIBUTE, cls.get_access())
        return view

    def dispatch(self, request, *args, **kwargs):
        denied = check_access(request, self.get_access())
        if denied is not None:
            return denied
        return super().dispatch(request, *args, **kwargs)
