"""Audit the pinned requirements for known vulnerabilities (pip-audit, PyPI's advisory data).

pip-audit alone turns an unreachable PyPI into "skipped" lines and exit code 0: a green
check that checked nothing. This wrapper first asks PyPI's JSON API whether it answers
with advisory data at all; if not, it fails (exit 3) unless PIP_AUDIT_OFFLINE=1 says that
this environment knowingly has no such access, in which case it says loudly that nothing
was checked. When PyPI answers, pip-audit runs with --strict (a package it cannot audit
fails the run too).
"""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REQUIREMENTS = BASE_DIR / "requirements.txt"


def probe_url():
    """The per-version endpoint pip-audit itself asks, for the pinned Django."""
    for regel in REQUIREMENTS.read_text().splitlines():
        if regel.lower().startswith("django=="):
            return f"https://pypi.org/pypi/django/{regel.split('==', 1)[1].strip()}/json"
    raise SystemExit("Django staat niet vastgepind in requirements.txt.")


def pypi_bereikbaar(url):
    try:
        # Always an https URL built from a constant (bandit B310 warns about file:).
        with urllib.request.urlopen(url, timeout=15) as antwoord:  # nosec B310
            return "vulnerabilities" in json.loads(antwoord.read() or b"{}")
    except (OSError, ValueError):
        return False


def main():
    probe = probe_url()
    if not pypi_bereikbaar(probe):
        melding = (
            f"pip-audit: de kwetsbaarheidsgegevens van PyPI ({probe}) zijn hier niet "
            "bereikbaar; de afhankelijkheden zijn NIET gecontroleerd."
        )
        if os.environ.get("PIP_AUDIT_OFFLINE") == "1":
            print(f"WAARSCHUWING {melding} (PIP_AUDIT_OFFLINE=1)", file=sys.stderr)
            return 0
        print(
            f"FOUT {melding} Zet PIP_AUDIT_OFFLINE=1 alleen in een omgeving die bewust "
            "geen internet heeft.",
            file=sys.stderr,
        )
        return 3
    pip_audit = Path(sys.executable).with_name("pip-audit")
    opdracht = [
        str(pip_audit),
        "--strict",
        "--requirement",
        str(REQUIREMENTS),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
    ]
    # A fixed argument list, no shell.
    return subprocess.run(opdracht, check=False).returncode  # nosec B603


if __name__ == "__main__":
    sys.exit(main())
