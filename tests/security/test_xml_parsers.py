"""The workbook import's XML parser is hardened (ASVS 5.5.2): openpyxl reads the sheets through
defusedxml when it can import it, and defusedxml is a declared dependency (pyproject.toml),
not a package that happens to be installed."""

import tomllib
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_defusedxml_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {
        spec.split(">")[0].split("=")[0].split("[")[0].strip().lower()
        for spec in project["dependencies"]
    }
    assert "defusedxml" in names
