"""Describe an `--out` folder as a Frictionless data package (`datapackage.json`).

Why: data repositories (Zenodo and the like) and their readers expect described data.
The package names every file with its size and SHA-256, gives each table's fields,
types and units (from the `_t`, `_gj`, ... suffixes and `unit` columns), the tool
version, the command line that made the set, and the sources and licences of the
bundled bibliography (`mine_db/data/sources/sources.csv`).

`write_datapackage(folder)` is called once per output set, by `hfcommon.output` just
before the set is committed (registered in `tracer/commands/__init__.py`), so every
`--out` folder carries one. The descriptor is plain JSON (Data Package v1 with a `$schema`);
the tests validate it with the `frictionless` library, which is not needed at run time.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import mimetypes
import re
import shlex
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tracer import __version__

DESCRIPTOR = "datapackage.json"
PROFILE = "https://specs.frictionlessdata.io/schemas/data-package.json"
#: Column-name suffix -> unit, for columns that carry their unit in their name (docs/CONTRACTS.md).
SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_t_per_t", "t/t"),
    ("_per_t", "per t of production"),
    ("_t", "t"),
    ("_gj", "GJ"),
    ("_GJ", "GJ"),
    ("_usd", "USD"),
    ("_vehicles", "vehicles"),
    ("_pct", "%"),
)
_MEDIA_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".geojson": "application/geo+json",
    ".gpkg": "application/geopackage+sqlite3",
}
_TABLES = {".csv", ".parquet"}


def write_datapackage(folder: str | Path, command: str | None = None) -> Path:
    """Write `folder/datapackage.json` describing every file in `folder` (plainly, not atomically:
    the caller commits the folder as one set)."""
    root = Path(folder)
    target = root / DESCRIPTOR
    target.write_text(json.dumps(describe(root, command), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def describe(folder: Path, command: str | None = None) -> dict[str, Any]:
    """The data-package descriptor of the files under `folder` (the descriptor itself excluded)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _visible(p.relative_to(folder)))
    run = _invocation(command)
    return {
        "$schema": PROFILE,
        "name": _slug(run["name"]),
        "title": f"Output of `{run['name']}` (hidden-flow-tracer {__version__})",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "resources": [_resource(folder, path) for path in files],
        "sources": bibliography(),
        "tracer": {"version": __version__, **run},
    }


def _visible(relative: Path) -> bool:
    return relative.name != DESCRIPTOR and not any(part.startswith(".") for part in relative.parts)


def _invocation(command: str | None) -> dict[str, str]:
    """The command line that made the set (as typed: sys.argv) and its leading words as a name."""
    argv = shlex.split(command) if command is not None else [Path(sys.argv[0]).name, *sys.argv[1:]]
    words = []
    for arg in argv[1:]:
        if arg.startswith("-"):
            break
        words.append(arg)
    return {"name": " ".join(["tracer", *words]), "command_line": shlex.join(["tracer", *argv[1:]])}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "tracer-output"


def _resource(folder: Path, path: Path) -> dict[str, Any]:
    relative = path.relative_to(folder).as_posix()
    suffix = path.suffix.lower()
    resource: dict[str, Any] = {
        "name": _slug(relative.replace("/", "-")),
        "path": relative,
        "format": suffix.lstrip("."),
        "mediatype": _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{_sha256(path)}",
    }
    if suffix in _TABLES:
        resource.update(profile="tabular-data-resource", schema=table_schema(path))
        if suffix == ".csv":
            resource.update(encoding="utf-8")
    return resource


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_schema(path: Path) -> dict[str, Any]:
    """Table Schema of a CSV or Parquet table: field names, types and units where known."""
    if path.suffix.lower() == ".parquet":
        schema = pq.read_schema(path)
        types = {f.name: _arrow_type(f.type) for f in schema if not f.name.startswith("__index_level")}
        units = _unit_column(pd.read_parquet(path, columns=["unit"])) if "unit" in types else None
    else:
        frame = pd.read_csv(path)
        types = {str(c): _pandas_type(frame[c]) for c in frame.columns}
        units = _unit_column(frame)
    fields = []
    for name, kind in types.items():
        field: dict[str, Any] = {"name": name, "type": kind}
        unit = _unit_of(name, units)
        if unit:
            field["unit"] = unit
        fields.append(field)
    return {"fields": fields}


def _unit_column(frame: pd.DataFrame) -> str | None:
    """What a `unit` column says of the `value` column: its one unit, or where to read it per row."""
    if "unit" not in frame:
        return None
    distinct = frame["unit"].dropna().astype(str).unique()
    return str(distinct[0]) if len(distinct) == 1 else "per row: see column unit"


def _unit_of(name: str, units: str | None) -> str | None:
    if name in ("value", "nominal", "mean", "sd", "p5", "p50", "p95", "amount", "change") and units:
        return units
    return next((unit for suffix, unit in SUFFIX_UNITS if name.endswith(suffix)), None)


def _arrow_type(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):
        return _arrow_type(kind.value_type)
    checks = (
        (pa.types.is_boolean, "boolean"),
        (pa.types.is_integer, "integer"),
        (pa.types.is_floating, "number"),
        (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), "string"),
        (pa.types.is_timestamp, "datetime"),
        (pa.types.is_date, "date"),
    )
    return next((name for check, name in checks if check(kind)), "any")


def _pandas_type(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    if pd.api.types.is_float_dtype(column):
        return "number"
    return "string"


@lru_cache(maxsize=1)
def _bibliography_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("mine_db").joinpath("data/sources/sources.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def bibliography() -> list[dict[str, str]]:
    """The bundled sources (id, citation, URL, licence) as data-package `sources`."""
    sources = []
    for row in _bibliography_rows():
        source = {"title": row["citation"], "id": row["id"], "licence": row["licence"]}
        if row["url"].startswith(("http://", "https://")):
            source["path"] = row["url"]
        sources.append(source)
    return sources
