"""What the read-value tables share (strip_reads, coef_reads, recovery_reads): each mine's median over its
periods or plans, then n mines, median, P10-P90 across mines and whether the sample reaches the five mines
a fill must rest on (issue 17)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mine_db.gapfill import MIN_SAMPLE


def per_mine(reads: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One value per mine and kind: the median over the mine's reads."""
    return reads.groupby([*keys, "mine"], sort=False)["value"].median().reset_index()


def across_mines(per_mine_values: pd.DataFrame, keys: list[str], digits: int = 3) -> pd.DataFrame:
    """n mines, median, P10, P90 and the mines' own values, per kind."""
    rows = []
    for key, group in per_mine_values.groupby(keys, sort=True):
        values = group["value"].to_numpy(float)
        rows.append(dict(zip(keys, key, strict=True), n=len(values), median=float(np.median(values)),
                         p10=float(np.percentile(values, 10)), p90=float(np.percentile(values, 90)),
                         enough=len(values) >= MIN_SAMPLE,
                         mines="; ".join(f"{m} {v:.{digits}g}" for m, v in zip(group["mine"], values, strict=True))))
    return pd.DataFrame(rows)
