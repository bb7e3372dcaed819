from django.conf import settings

from adgang.accounts.rights import right_labels
from adgang.accounts.selectors import may_switch_context
from adgang.ui.navigation import tabs


def shell(request):
    """What the header and tabs of every page need (SPEC §2)."""
    acting = getattr(request, "acting", None)
    context = {
        "support_phone": settings.ADGANG_SUPPORT_PHONE,
        "acting": acting,
        "testportal_enabled": settings.ADGANG_TESTPORTAL_ENABLED,
    }
    if acting is not None:
        context.update(
            tabs=tabs(acting, request.path),
            rights_labels=right_labels(acting.rights),
            may_switch_context=may_switch_context(acting),
        )
    return context
