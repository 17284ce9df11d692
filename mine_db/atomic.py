"""Atomic file writes for mine_db, which must not import `tracer` (layering: mine_db -> graphs -> tracer).

Why a directory and not a temporary file: GDAL drivers (GeoPackage, GeoJSON) refuse
to write into an existing empty file and pick their format from the file name, so
the writer gets a fresh path with the target's own name inside a private temporary
directory next to the target; the finished file is renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


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
