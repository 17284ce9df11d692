"""Find and load scenarios: bundled names or user files, with `include` and overrides.

`include = ["copper_recycling", "lfp"]` merges other scenarios' levers into this one,
so a combined scenario reuses (and cannot silently contradict) the assumptions of its
parts. Overrides set one dotted key before validation; sweeps use them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from hfcommon.errors import InputError, did_you_mean
from tracer.scenarios.spec import Scenario, parse_scenario, read_toml

BASELINE = "baseline"
_KEYED = ("recycled_content", "ore_grade", "lightweighting")
_LISTED = ("electricity", "sourcing")
_SINGLE = ("battery_mix", "fleet", "steel_route", "aluminium_power")


def bundled_dir() -> Path:
    """Folder of the scenario files shipped with the package."""
    return Path(str(resources.files("tracer").joinpath("data", "scenarios")))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, baseline first."""
    names = sorted(p.stem for p in bundled_dir().glob("*.toml"))
    return sorted(names, key=lambda n: (n != BASELINE, n))


def resolve(ref: str | Path) -> Path:
    """A bundled name (`lfp`) or a path to a TOML file."""
    path = Path(ref)
    if path.is_file():
        return path
    if path.suffix == ".toml":
        raise InputError("scenario file not found", file=str(path))
    names = bundled_names()
    if str(ref) in names:  # only an exact bundled name: `../../x` cannot reach a file outside the bundle
        return bundled_dir() / f"{ref}.toml"
    raise InputError(
        f"unknown scenario {str(ref)!r}{did_you_mean(str(ref), names, 0.6)}: not a file and not bundled "
        f"({', '.join(names)})",
    )


def load_scenario(ref: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, merge includes, apply dotted-key overrides, then validate."""
    path = resolve(ref)
    doc = _merged_document(path, chain=())
    for key, value in (overrides or {}).items():
        _set_dotted(doc, key, value, str(path))
    return parse_scenario(doc, str(path))


def load_all_bundled() -> list[Scenario]:
    """Every bundled scenario, validated (baseline first)."""
    return [load_scenario(name) for name in bundled_names()]


def _merged_document(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if path.resolve() in chain:
        names = " -> ".join(p.name for p in (*chain, path.resolve()))
        raise InputError(f"scenario includes itself: {names}", file=str(path), column="include")
    doc = read_toml(path)
    parse_scenario(doc, str(path))  # validate each file on its own so errors name it
    merged: dict[str, Any] = {}
    for ref in doc.get("include", []):
        try:
            included = resolve(ref)
        except InputError as exc:
            raise InputError(exc.message, file=str(path), column="include") from exc
        _merge(merged, _merged_document(included, (*chain, path.resolve())), str(path))
    own = {k: v for k, v in doc.items() if k != "include"}
    _merge(merged, own, str(path))
    merged["scenario"] = doc["scenario"]
    if "include" in doc:
        merged["include"] = list(doc["include"])  # recorded on the Scenario; already resolved
    return merged


def _merge(into: dict[str, Any], doc: Mapping[str, Any], file: str) -> None:
    """Union of levers; the same lever key set twice is a contradiction, not an override."""
    for key, value in doc.items():
        if key in ("scenario", "include"):
            continue
        if key in _KEYED:
            table = into.setdefault(key, {})
            for sub, entry in value.items():
                if sub in table:
                    raise InputError("set by more than one included scenario", file=file, column=f"{key}.{sub}")
                table[sub] = copy.deepcopy(entry)
        elif key in _LISTED:
            into.setdefault(key, []).extend(copy.deepcopy(value))
        elif key in _SINGLE:
            if key in into:
                raise InputError("set by more than one included scenario", file=file, column=key)
            into[key] = copy.deepcopy(value)


def _set_dotted(doc: dict[str, Any], key: str, value: Any, file: str) -> None:
    """Set `a.b.c` (or `electricity.0.share`) in place; the parent tables must exist."""
    parts = key.split(".")
    node: Any = doc
    for i, part in enumerate(parts[:-1]):
        where = ".".join(parts[: i + 1])
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise InputError(
                "this scenario does not set this lever; start from one that does", file=file, column=where
            )
    last = parts[-1]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise InputError("cannot set this key", file=file, column=key)
