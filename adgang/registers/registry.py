"""Which register adapter the running site uses (SPEC §1, "Registers").

Configured by the Django setting ``ADGANG_REGISTER``::

    ADGANG_REGISTER = {
        "BACKEND": "adgang.registers.synthetic.SyntheticRegister",
        "OPTIONS": {"seed": 2026},
    }

Staff look-ups must not call the adapter from views: they go through the audit-logging
look-up service, which uses `get_register()` and writes the staff search log (§7.5).
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from adgang.registers.base import Register

SETTING = "ADGANG_REGISTER"
DEFAULT_CONFIG: dict[str, Any] = {
    "BACKEND": "adgang.registers.synthetic.SyntheticRegister",
    "OPTIONS": {},
}


@functools.cache
def get_register() -> Register:
    """The configured register adapter, built once per process (and per setting change)."""
    config = getattr(settings, SETTING, None) or DEFAULT_CONFIG
    backend = config.get("BACKEND")
    if not backend:
        raise ImproperlyConfigured(f"{SETTING} must name a BACKEND.")
    try:
        backend_class = import_string(backend)
    except ImportError as error:
        raise ImproperlyConfigured(f"{SETTING} BACKEND {backend!r} cannot be imported.") from error
    if not (isinstance(backend_class, type) and issubclass(backend_class, Register)):
        raise ImproperlyConfigured(f"{SETTING} BACKEND {backend!r} is not a Register.")
    return backend_class(**config.get("OPTIONS", {}))


def reset_register_cache() -> None:
    """Forget the built adapter, so the next `get_register()` reads the setting again."""
    get_register.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    # Keeps pytest-django's `settings` fixture and override_settings working without a reset.
    if setting == SETTING:
        reset_register_cache()
