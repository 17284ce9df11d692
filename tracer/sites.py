"""The mine-site database as `tracer db` shows it: summaries, file checks, imports.

Thin wrappers over mine_db that return JSON-ready dicts, so the command only prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphs.build import load_mines


def site_summary(db: Path | None = None) -> dict[str, Any]:
    """Sites by commodity, country and resolution, sourced and gap-filled shares (bundled db by default)."""
    from mine_db.summary import summarise

    return summarise(load_mines(db)[0])


def check_site_file(file: Path) -> dict[str, Any]:
    """Check a site file, or a named-mine source table such as the bundled `mines.csv`, through the schema.

    Raises `InputError` on the first problem; returns what the file holds.
    """
    from mine_db.default import bibliography_beside, is_named_mine_table, named_mines
    from mine_db.loaders import read_table, sites_from_table

    raw = read_table(file)
    named = is_named_mine_table(raw.columns)
    sites = named_mines(raw, bibliography_beside(file), str(file)) if named else sites_from_table(raw, str(file))
    return {"file": str(file), "valid": True, "kind": "named mines" if named else "sites", "sites": len(sites),
            "commodities": {str(k): int(v) for k, v in sites["commodity"].value_counts().sort_index().items()}}


def import_fineprint(path: Path, out: Path) -> dict[str, Any]:
    """Import FINEPRINT at mine resolution, write the site file `out`; the per-commodity coverage."""
    from mine_db.fineprint import read_fineprint
    from mine_db.loaders import write_sites

    result = read_fineprint(path)
    written = write_sites(result.sites, out)
    return {"out": str(written), **result.summary()}
