"""Output helpers shared by every layer: atomic files, output sets, tables and JSON.

A failed or killed run must never leave a half-written file or a mixed set behind:

* one file goes through `atomic_path` (written beside the target, renamed into place);
* the files of one `--out DIR` form a set and go through `output_set`: they are written
  into a fresh staging folder beside DIR and committed in one step (`_commit`), so a
  reader sees the old complete set or the new one, never a mix. Files already in DIR
  that the new set does not replace are kept. Staging folders of killed runs are
  removed by the next write beside them (`clean_stale`). Where DIR cannot be swapped
  (a mount point, or the working folder: `--out .`) the finished files are renamed in
  one by one instead: complete files, no longer one step.

Why a directory for one file too: GDAL drivers (GeoPackage, GeoJSON) refuse to write
into an existing empty file and pick their format from the file name, so the writer
gets a fresh path with the target's own name inside a private temporary directory.

Every number written is checked finite first (`check_finite`): an overflow is an
error naming the file, row and column, never `inf` or a silent `null`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hfcommon.errors import InputError, NonFiniteOutputError

#: Called with the staging folder of every output set just before it is committed, to add what
#: every set carries. tracer.commands registers its data-package writer here (hfcommon may not
#: import tracer), so each `--out` set gets a `datapackage.json` listing the set's files.
SET_DESCRIBERS: list[Callable[[Path], object]] = []

#: Staging names: `.{target}.{pid}.{random}.part`, so a later run can tell a dead writer's leftovers.
_STAGE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.part$")
_SAFE = re.compile(r"[^A-Za-z0-9._+=-]+")
_MAX_NAME = 120


def safe_name(label: str) -> str:
    """A file-name part made from a user or data label: no separators, no leading dots, never empty.

    `../../x` becomes `x`; a name can therefore never leave the folder it is joined to.
    """
    text = _SAFE.sub("_", str(label)).strip("._-")[:_MAX_NAME]
    return text or "unnamed"


def _pid_alive(pid: int) -> bool:
    """Is process `pid` running (on this machine)? Signal 0 checks without signalling."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def clean_stale(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove staging leftovers of writers that died (killed mid-write) in `folder`; returns them."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in Path(folder).iterdir():
            match = _STAGE.match(entry.name)
            if match and not _pid_alive(int(match["pid"])):
                _restore_parked(entry, Path(folder) / match["name"])
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def _restore_parked(stage: Path, target: Path) -> None:
    """A writer killed between the two renames of `_exchange` left the old set parked: put it back."""
    parked = stage / target.name
    if parked.is_dir() and not target.exists():
        os.rename(parked, target)


def _stage_dir(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path with `path`'s name; move it onto `path` only on success."""
    target = Path(path)
    workdir = _stage_dir(target)
    try:
        tmp = workdir / target.name
        yield tmp
        os.replace(tmp, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(".")


def _writable(folder: Path) -> bool:
    """Can files be created in `folder`? Tried, not guessed from mode bits (root ignores them)."""
    try:
        probe = tempfile.mkdtemp(prefix=f".probe.{os.getpid()}.", suffix=".part", dir=folder)
    except OSError:
        return False
    os.rmdir(probe)
    return True


def check_out(path: str | os.PathLike[str], *, directory: bool = True, option: str = "--out") -> Path:
    """Fail before any computation when `path` cannot receive the output (a folder, or a file).

    Raises `InputError` naming the option: an existing file where a folder is wanted
    (or the reverse), a parent that is a file, or a place that cannot be written.
    """
    target = Path(path).expanduser()
    if directory and target.exists() and not target.is_dir():
        raise InputError(f"{target} is an existing file; give a folder for the output files", column=option)
    if not directory and target.is_dir():
        raise InputError(f"{target} is a folder; give a file name (e.g. {target / 'report.html'})", column=option)
    parent = _nearest_existing(target.parent)
    if not parent.is_dir():
        raise InputError(f"cannot create {target}: {parent} is a file, not a folder", column=option)
    if not _writable(parent) or (directory and target.is_dir() and not _writable(target)):
        place = target if directory and target.is_dir() else parent
        raise InputError(f"cannot write into {place} (read-only or not permitted)", column=option)
    return target


def check_finite(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """`df` unchanged if no number in it is infinite; else an error naming the first cell (NaN = empty is allowed)."""
    numbers = df.select_dtypes(include="number")
    if numbers.shape[1]:
        infinite = np.isinf(numbers.to_numpy(dtype=float))
        if infinite.any():
            position, column = (int(v[0]) for v in np.nonzero(infinite))
            raise NonFiniteOutputError(
                "the result is infinite (an overflow: is an input amount or count absurdly large?); nothing written",
                file=file, row=position + 2, column=str(numbers.columns[column]),
            )
    return df


def write_table(df: pd.DataFrame, path: str | os.PathLike[str], fmt: str = "parquet") -> Path:
    """Write a tidy table atomically as Parquet or CSV, after `check_finite`; returns the final path."""
    target = Path(path)
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown table format {fmt!r}; use 'parquet' or 'csv'")
    target = target.with_suffix(f".{fmt}")
    check_finite(df, target.name)
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, index=False) if fmt == "parquet" else df.to_csv(tmp, index=False)
    return target


def _jsonable(obj: Any, where: str, file: str | None) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v, f"{where}.{k}" if where else str(k), file) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        items = obj.tolist() if isinstance(obj, np.ndarray) else obj
        return [_jsonable(v, f"{where}[{i}]", file) for i, v in enumerate(items)]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        value = float(obj)
        if math.isinf(value):
            raise NonFiniteOutputError(
                "the result is infinite (an overflow: is an input amount or count absurdly large?); nothing written",
                file=file, column=where or None,
            )
        return value if math.isfinite(value) else None  # NaN: a figure that is not defined (n/a)
    if isinstance(obj, Path):
        return str(obj)
    return obj


def to_json(obj: Any, file: str | None = None) -> str:
    """Serialise results (numpy scalars, NaN -> null) as indented JSON; an infinite number is an error."""
    return json.dumps(_jsonable(obj, "", file), indent=2, ensure_ascii=False)


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write JSON atomically."""
    target = Path(path)
    text = to_json(obj, target.name)
    with atomic_path(target) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return target


@contextlib.contextmanager
def output_set(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh staging folder beside `out`; on success commit its files into `out` as one set.

    If the block fails (or the process dies), `out` is untouched: the staging folder is
    removed (or cleaned by the next writer). Files of `out` the set does not replace
    are kept.
    """
    target = check_out(out).absolute()  # `--out .` has no name to stage beside; its absolute path has
    stage = _stage_dir(target)
    try:
        yield stage
        _commit(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_set(out: str | os.PathLike[str], write: Callable[[Path], Iterable[Path]]) -> list[Path]:
    """Run `write(stage)` (it returns the files it wrote) inside `output_set`; the committed paths."""
    target = Path(out)
    with output_set(target) as stage:
        files = list(write(stage))
    return [target / Path(f).relative_to(stage) for f in files]


def _commit(stage: Path, target: Path) -> None:
    """The one place an output set becomes visible: add here what every set must carry."""
    for describe in SET_DESCRIBERS:
        describe(stage)
    if not target.exists():
        os.chmod(stage, _folder_mode())
        os.rename(stage, target)
        return
    if _pinned(target):  # the folder itself cannot be swapped: move the finished files in, one rename each
        _move_files(stage, target)
        return
    os.chmod(stage, os.stat(target).st_mode & 0o7777)
    _carry_over(target, stage)
    _exchange(stage, target)  # `stage` now holds the previous set and is removed by the caller


def _folder_mode() -> int:
    """The mode a plain `mkdir` would give (mkdtemp makes 0700 folders)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _pinned(target: Path) -> bool:
    """A folder that must stay the same inode: a mount point, or this process's working folder (or above it)."""
    resolved, cwd = target.resolve(), Path.cwd().resolve()
    return os.path.ismount(resolved) or resolved == cwd or resolved in cwd.parents


def _move_files(stage: Path, target: Path) -> None:
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        destination = target / path.relative_to(stage)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)


def _carry_over(old: Path, new: Path) -> None:
    """Hard-link (or copy) into `new` whatever `old` holds that `new` does not replace."""
    for entry in old.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(".part"):
            continue  # leftovers of earlier writers (any version's staging names) are not carried into the new set
        destination = new / entry.name
        if entry.is_dir() and not entry.is_symlink():
            if destination.is_dir():
                _carry_over(entry, destination)
            elif not destination.exists():
                shutil.copytree(entry, destination, symlinks=True, copy_function=_link_or_copy)
        elif not destination.exists() and not destination.is_symlink():
            _link_or_copy(entry, destination)


def _link_or_copy(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), destination)
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE), else by two renames."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(b))
    except AttributeError:  # no renameat2 (not glibc / not Linux)
        pass
    parked = Path(tempfile.mkdtemp(prefix=f".{b.name}.{os.getpid()}.", suffix=".part", dir=b.parent))
    os.rename(b, parked / b.name)  # a reader now sees no folder for an instant, never a mixed one
    os.rename(a, b)
    os.rename(parked / b.name, a)
    parked.rmdir()
