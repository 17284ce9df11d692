"""Validated reading of the fleet model's CSV tables.

Every bundled or user-supplied table passes through here so that a broken file is
reported with its name, the spreadsheet row (header = row 1) and the column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "fleet"


def read_checked_csv(
    path: str | Path,
    text: tuple[str, ...] = (),
    numbers: tuple[str, ...] = (),
    optional_numbers: tuple[str, ...] = (),
    key: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a CSV, check its columns and return it with numeric columns as floats.

    ``text`` columns must be non-empty; ``numbers`` must be finite and >= 0;
    ``optional_numbers`` may be empty (NaN) but not negative; ``key`` columns
    together must be unique.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot parse as CSV: {exc}", file=str(path)) from exc
    for column in (*text, *numbers, *optional_numbers):
        if column not in df.columns:
            raise InputError(f"missing column (has: {', '.join(df.columns)})", file=str(path),
                             column=column)
    out = df.copy()
    for column in text:
        values = df[column].str.strip()
        empty = np.flatnonzero(values == "")
        if empty.size:
            raise InputError("empty value", file=str(path), row=int(empty[0]) + 2, column=column)
        out[column] = values
    for column in (*numbers, *optional_numbers):
        raw = df[column].str.strip()
        parsed = pd.to_numeric(raw.where(raw != "", None), errors="coerce").astype(float)
        for i, (text_value, value) in enumerate(zip(raw, parsed)):
            if text_value == "" and column in optional_numbers:
                continue
            if not np.isfinite(value):
                raise InputError(f"not a finite number: {text_value!r}", file=str(path),
                                 row=i + 2, column=column)
            if value < 0:
                raise InputError(f"must not be negative: {text_value}", file=str(path),
                                 row=i + 2, column=column)
        out[column] = parsed
    if key:
        dup = np.flatnonzero(out.duplicated(list(key)).to_numpy())
        if dup.size:
            raise InputError(f"duplicate {'/'.join(key)}", file=str(path), row=int(dup[0]) + 2,
                             column=key[0])
    return out


def resolve(name: str | Path, base: Path | None) -> Path:
    """A table named in a config: relative to the config's folder, else bundled data."""
    path = Path(name)
    if path.is_absolute():
        return path
    if base is not None and (base / path).is_file():
        return base / path
    return DATA_DIR / path
