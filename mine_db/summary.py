"""What a site table holds and how much of it rests on filled or assumed numbers.

Why: a hidden-flow total is only as credible as the share of it that stands on a
mine's own figures, so `tracer db info` reports, next to the site counts, the share of
tonnage whose source is named (not a modelling assumption) and the share resting on
each gap-fill level.

Tonnages of different commodities are on different bases (t Cu, t bauxite, t REO), so
per-commodity shares weigh sites by `metal_t`, and database-wide shares by `hidden_t`
(tonnes of overburden, waste rock and tailings: one physical unit for all).
"""

from __future__ import annotations

import pandas as pd

from mine_db import commodities
from mine_db.fill_kinds import FILLED
from mine_db.schema import FILL_ORDER

#: A source text that *starts* with one of these marks the row's production as not taken from a
#: publication (docs/CONTRACTS.md); an assumption about a secondary attribute later in the text
#: (mining method, location) leaves the production figure sourced.
ASSUMPTION_MARKERS: tuple[str, ...] = ("modelling assumption", "assumption", "unsourced", "placeholder")


def is_named_source(source: pd.Series) -> pd.Series:
    """True where the source names a publication rather than declaring an assumption."""
    text = source.astype("str").str.strip().str.lower()
    return ~text.str.startswith(ASSUMPTION_MARKERS)


def _share(weights: pd.Series, mask: pd.Series) -> float | None:
    total = float(weights.sum())
    return float(weights[mask].sum()) / total if total > 0 else None


def _fill_shares(df: pd.DataFrame, weights: pd.Series) -> dict[str, dict[str, float | None]]:
    return {var: {level: _share(weights, df[f"{var}_fill"] == level) for level in FILL_ORDER} for var in FILLED}


def summarise(df: pd.DataFrame) -> dict[str, object]:
    """Counts and shares of a canonical (validated, filled, derived) site table, JSON-ready."""
    named = is_named_source(df["source"])
    by_commodity: dict[str, dict[str, object]] = {}
    for code in commodities.CODES:
        rows = df[df["commodity"] == code]
        if rows.empty:
            continue
        by_commodity[code] = {
            "sites": len(rows),
            "mine_sites": int((rows["resolution"] == "mine").sum()),
            "production": float(rows["metal_t"].sum()),
            "unit": commodities.get(code).unit,
            "hidden_t": float(rows["hidden_t"].sum()),
            "named_source_share": _share(rows["metal_t"], named[rows.index]),
            "fill_share": _fill_shares(rows, rows["metal_t"]),
        }
    return {
        "sites": len(df),
        "by_commodity": by_commodity,
        "by_country": {str(k): int(v) for k, v in df["country"].value_counts().sort_index().items()},
        "by_resolution": {str(k): int(v) for k, v in df["resolution"].value_counts().sort_index().items()},
        "hidden_t": float(df["hidden_t"].sum()),
        "named_source_share_of_hidden_t": _share(df["hidden_t"], named),
        "fill_share_of_hidden_t": _fill_shares(df, df["hidden_t"]),
    }
