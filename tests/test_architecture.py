"""The architecture is checked, not hoped for: import-linter contracts in pyproject.toml.

The second test shows the contracts can fail: a copy of the tree with one
forbidden import in it must be rejected.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": f"{tree}:{tree / 'gen'}", "PATH": "/usr/bin:/bin"})


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("offence,where", [
    ("from services.accounts.domain import model", "services/readings/service_layer/_probe.py"),
    ("import sqlalchemy", "services/payments/domain/_probe.py"),
    ("import grpc", "services/accounts/domain/_probe.py"),
    ("from gateway.api import accounts", "gateway/api/_probe.py"),
    ("from kabinet.readings.v1 import readings_pb2", "services/readings/service_layer/_probe.py"),
])
def test_a_forbidden_import_fails_the_check(tmp_path, offence, where):
    for part in ("kit", "services", "gateway", "devstack", "gen"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    probe = tmp_path / where
    probe.parent.mkdir(parents=True, exist_ok=True)
    probe.write_text(offence + "\n")
    result = lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
