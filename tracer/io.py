"""Output helpers shared by every command: atomic file writes and JSON printing.

A failed run must never leave a half-written file behind, so every writer writes to
a temporary sibling and renames it into place only once it is complete
(`atomic_path`, shared with mine_db, which may not import tracer).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mine_db.atomic import atomic_path

__all__ = ["atomic_path", "to_json", "write_json", "write_table"]


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
