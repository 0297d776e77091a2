"""The layers of README "Opbouw" hold: import-linter's contracts in pyproject.toml are kept."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    uitslag = subprocess.run(
        [lint_imports, "--no-cache", "--no-logo"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert uitslag.returncode == 0, uitslag.stdout + uitslag.stderr
    assert "0 broken" in uitslag.stdout
