"""The dependency audit never ends green without having checked anything."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "afhankelijkheden_controleren.py"


@pytest.fixture
def controle():
    spec = importlib.util.spec_from_file_location("afhankelijkheden_controleren", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_probe_asks_for_the_pinned_django_version(controle):
    assert controle.probe_url().startswith("https://pypi.org/pypi/django/5.")


def test_unreachable_advisory_data_fails_the_audit(controle, monkeypatch, capsys):
    monkeypatch.delenv("PIP_AUDIT_OFFLINE", raising=False)
    monkeypatch.setattr(controle, "pypi_bereikbaar", lambda url: False)
    assert controle.main() == 3
    assert "NIET gecontroleerd" in capsys.readouterr().err


def test_an_offline_environment_must_say_so_and_is_warned(controle, monkeypatch, capsys):
    monkeypatch.setenv("PIP_AUDIT_OFFLINE", "1")
    monkeypatch.setattr(controle, "pypi_bereikbaar", lambda url: False)
    assert controle.main() == 0
    assert "WAARSCHUWING" in capsys.readouterr().err
