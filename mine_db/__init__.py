"""mine_db: the mine-site database (schema, validation, loaders, gap filling, bundled default).

`load(path)` reads a user's site table in any supported format; `load_default()` the
bundled database. Both return the canonical table of `mine_db.schema`, validated,
gap-filled (`mine_db.gapfill`) and with hidden flows derived (`mine_db.flows`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hfcommon.errors import InputError

if TYPE_CHECKING:
    import os

    import pandas as pd

__all__ = ["InputError", "load", "load_default"]
#: Submodules reachable as attributes after a bare `import mine_db` (imported on first use, so the import stays light).
_SUBMODULES = frozenset({"allocation", "balance", "commodities", "default", "fineprint", "flows", "gapfill",
                         "loaders", "schema", "summary"})


def __getattr__(name: str) -> object:
    """`mine_db.summary.summarise(df)` works after `import mine_db`, as the README writes it."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"mine_db.{name}")
    raise AttributeError(f"module 'mine_db' has no attribute {name!r}")


def load(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read, validate, gap-fill and derive a site table (CSV, Excel, GeoPackage, GeoJSON, GeoParquet)."""
    from mine_db.loaders import read_sites

    return read_sites(path)


def load_default() -> pd.DataFrame:
    """The bundled default database (imported lazily: it lives in `mine_db.default`)."""
    from mine_db.default import load_default as _load_default

    return _load_default()
