"""Output helpers shared by every layer: atomic file writes, tables and JSON.

A failed run must never leave a half-written file behind, so every writer writes to
a temporary path and renames it into place only once it is complete.

Why a directory and not a temporary file: GDAL drivers (GeoPackage, GeoJSON) refuse
to write into an existing empty file and pick their format from the file name, so
the writer gets a fresh path with the target's own name inside a private temporary
directory next to the target; the finished file is renamed into place.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Called with the staging folder of every output set just before it is committed, to add what
#: every set carries. The tracer package registers its data-package writer here (hfcommon may not
#: import tracer), so each `--out` folder gets a `datapackage.json`.
SET_DESCRIBERS: list[Callable[[Path], object]] = []


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path with `path`'s name; move it onto `path` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        tmp = workdir / target.name
        yield tmp
        os.replace(tmp, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str], fmt: str = "parquet") -> Path:
    """Write a tidy table atomically as Parquet or CSV; returns the final path."""
    target = Path(path)
    if fmt == "parquet":
        target = target.with_suffix(".parquet")
        with atomic_path(target) as tmp:
            df.to_parquet(tmp, index=False)
    elif fmt == "csv":
        target = target.with_suffix(".csv")
        with atomic_path(target) as tmp:
            df.to_csv(tmp, index=False)
    else:
        raise ValueError(f"unknown table format {fmt!r}; use 'parquet' or 'csv'")
    return target


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if isinstance(obj, np.ndarray):
        return [_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def to_json(obj: Any) -> str:
    """Serialise results (numpy scalars, NaN -> null) as indented JSON."""
    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False)


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write JSON atomically."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(to_json(obj) + "\n", encoding="utf-8")
    return target


@contextlib.contextmanager
def staged_files(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a private staging folder; on success move every file in it into `out`.

    For commands whose files form one set (a table and the figure drawn from it): if
    anything fails while the set is written, `out` receives none of it. Files are
    written into the staging folder (with the atomic writers above or directly) and
    renamed into `out` only after the last one is complete.
    """
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staged.", suffix=".part", dir=target))
    try:
        yield stage
        for describe in SET_DESCRIBERS:
            describe(stage)
        for path in sorted(stage.rglob("*")):
            if path.is_file() and not any(part.endswith(".part") for part in path.relative_to(stage).parts[:-1]):
                destination = target / path.relative_to(stage)
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, destination)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
