"""The layer map at the top of docs/CONTRACTS.md is the truth about imports.

Each room (a top-level package, or a first-level part of `tracer`) sits on one level of
the map and may import only rooms on lower levels. A new room, or an import that points
sideways or up, fails here until the map (and the design) says so.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("hfcommon", "mine_db", "graphs", "tracer")


def declared_levels() -> dict[str, int]:
    """Room -> level, read from the fenced `layers` block in docs/CONTRACTS.md."""
    text = (REPO / "docs" / "CONTRACTS.md").read_text()
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/CONTRACTS.md has no ```layers block"
    levels: dict[str, int] = {}
    for line in block.group(1).splitlines():
        match = re.match(r"\s*(\d+)\s+(.+)", line)
        if match:
            for room in re.split(r"[,\s]+", match.group(2).split("#")[0].strip()):
                levels[room] = int(match.group(1))
    return levels


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] != "tracer" or len(parts) == 1 else f"tracer.{parts[1]}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the project modules a file imports (relative imports resolved)."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module == "tracer":  # `from tracer import api` names a room per alias
                found.update(f"tracer.{alias.name}" for alias in node.names)
            else:
                found.add(module)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def import_edges() -> set[tuple[str, str, str]]:
    edges = set()
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            source = room_of(module_name(path))
            for target in map(room_of, imported_modules(path)):
                if target != source and target != "tracer.__version__":
                    edges.add((source, target, str(path.relative_to(REPO))))
    return edges


def test_every_room_is_on_the_map():
    levels = declared_levels()
    rooms = {source for source, _, _ in import_edges()} | {
        target for _, target, _ in import_edges()
    }
    missing = sorted(rooms - set(levels))
    assert not missing, f"rooms missing from the layer map in docs/CONTRACTS.md: {missing}"


def test_imports_point_down_the_map():
    levels = declared_levels()
    upward = sorted(
        f"{file}: {source} (level {levels[source]}) imports {target} (level {levels[target]})"
        for source, target, file in import_edges()
        if source in levels and target in levels and levels[target] >= levels[source]
    )
    assert not upward, "imports that do not point down the layer map:\n" + "\n".join(upward)


@pytest.mark.parametrize("room", ["hfcommon", "mine_db", "graphs", "tracer.engine"])
def test_foundations_stay_low(room):
    # The lower levels are what every other room builds on: pin them so the map cannot drift up.
    assert declared_levels()[room] <= 3
