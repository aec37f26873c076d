"""docs/architecture.md describes the code as it is: its layers are the import-linter contract
in pyproject.toml (which `make lint` enforces) and each app's "imports" column is what the
app's modules import (tests left out), read from the code with grimp."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "architecture.md"


def _configuration() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _section(title: str) -> str:
    text = DOCUMENT.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def imports_per_app() -> dict[str, set[str]]:
    apps = _configuration()["root_packages"]
    graph = grimp.build_graph(*apps, exclude_type_checking_imports=True)
    found: dict[str, set[str]] = {}
    for app in apps:
        imported: set[str] = set()
        for module in graph.find_descendants(app) | {app}:
            if ".tests" in module:
                continue
            for target in graph.find_modules_directly_imported_by(module):
                imported.add(target.split(".")[0])
        found[app] = imported - {app}
    return found


def documented_imports() -> dict[str, set[str]]:
    rows: dict[str, set[str]] = {}
    for line in _section("Apps").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) == 3 else None
        if match:
            rows[match.group(1)] = set(re.findall(r"`(\w+)`", cells[2]))
    return rows


def test_the_documented_layers_are_the_contract():
    block = re.search(r"```text\n(.*?)```", _section("Layers"), re.S)
    assert block, "docs/architecture.md: the Layers section has no ```text block"
    documented = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    contract = next(c for c in _configuration()["contracts"] if c["id"] == "layers")
    assert [line for line in documented if line] == contract["layers"]


def test_every_app_is_documented_with_what_it_imports():
    actual = imports_per_app()
    documented = documented_imports()
    assert set(documented) == set(actual), "one row per app in docs/architecture.md, Apps"
    differences = {
        app: {"documented": sorted(documented[app]), "in the code": sorted(actual[app])}
        for app in actual
        if documented[app] != actual[app]
    }
    assert not differences, differences
