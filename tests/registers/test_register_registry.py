"""Choosing the register adapter from settings (SPEC §1, "Registers")."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from adgang.registers.registry import get_register, reset_register_cache
from adgang.registers.synthetic import SyntheticRegister

SYNTHETIC = "adgang.registers.synthetic.SyntheticRegister"


@pytest.fixture(autouse=True)
def _fresh_cache():
    reset_register_cache()
    yield
    reset_register_cache()


def test_backend_and_options_come_from_the_setting(settings):
    settings.ADGANG_REGISTER = {"BACKEND": SYNTHETIC, "OPTIONS": {"seed": 7}}
    register = get_register()
    assert isinstance(register, SyntheticRegister)
    assert register.seed == 7


def test_register_is_built_once(settings):
    settings.ADGANG_REGISTER = {"BACKEND": SYNTHETIC, "OPTIONS": {"seed": 7}}
    assert get_register() is get_register()


def test_changing_the_setting_rebuilds_the_register(settings):
    settings.ADGANG_REGISTER = {"BACKEND": SYNTHETIC, "OPTIONS": {"seed": 7}}
    first = get_register()
    settings.ADGANG_REGISTER = {"BACKEND": SYNTHETIC, "OPTIONS": {"seed": 8}}
    assert get_register() is not first
    assert get_register().seed == 8


def test_missing_setting_means_the_synthetic_register(settings):
    del settings.ADGANG_REGISTER
    assert isinstance(get_register(), SyntheticRegister)


def test_http_backend_is_configured_by_url(settings):
    pytest.importorskip("httpx")
    from adgang.registers.http import HttpRegister

    settings.ADGANG_REGISTER = {
        "BACKEND": "adgang.registers.http.HttpRegister",
        "OPTIONS": {"base_url": "https://register.example/api/", "timeout": 2.5},
    }
    register = get_register()
    assert isinstance(register, HttpRegister)
    assert register.base_url == "https://register.example/api"
    register.close()


@pytest.mark.parametrize(
    "config",
    [
        {"OPTIONS": {}},
        {"BACKEND": "adgang.registers.nowhere.Register"},
        {"BACKEND": "adgang.registers.types.Address"},
    ],
)
def test_bad_configuration_is_reported(settings, config):
    settings.ADGANG_REGISTER = config
    with pytest.raises(ImproperlyConfigured, match="ADGANG_REGISTER"):
        get_register()
