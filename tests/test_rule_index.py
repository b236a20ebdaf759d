"""The rule index of every service tells the truth.

Each `services/<svc>/README.md` has a section "## Rules" with a table
`| rule | where |`, the second column naming `path/to/module.py:function` (or
`Class.method`) relative to the service. This test fails when a listed place no
longer exists, so the index cannot drift from the code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = sorted(p.parent for p in (ROOT / "services").glob("*/README.md"))
PLACE = re.compile(r"`([\w/]+\.py):([\w.]+)`")


def rule_rows(readme: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Rules\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, f"{readme.relative_to(ROOT)} has no '## Rules' section"
    rows = []
    for line in section.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.lstrip().startswith("|") or set(cells[0]) <= set("-: "):
            continue
        if cells[0].lower() == "rule":
            continue
        rows.append((cells[0], PLACE.findall(" ".join(cells[1:]))))
    return rows


def defined_names(module: Path) -> set[str]:
    """Top-level functions, classes, constants, and Class.method for methods."""
    names: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(f"{node.name}.{item.name}" for item in node.body
                         if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_every_listed_rule_points_at_code_that_exists(service: Path):
    rows = rule_rows(service / "README.md")
    assert len(rows) >= 3, f"{service.name}: the rule table lists {len(rows)} rules"
    for rule, places in rows:
        assert places, f"{service.name}: rule {rule!r} names no `module.py:function`"
        for path, name in places:
            module = service / path
            assert module.is_file(), f"{service.name}: {rule!r} -> {path} does not exist"
            assert name in defined_names(module), f"{service.name}: {rule!r} -> {path}:{name} does not exist"


def test_the_index_can_fail(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("## Rules\n\n| rule | where |\n|---|---|\n| x | `domain/model.py:gone` |\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "model.py").write_text("def here():\n    pass\n")
    [(rule, places)] = rule_rows(readme)
    assert places == [("domain/model.py", "gone")]
    assert "gone" not in defined_names(tmp_path / "domain" / "model.py")
