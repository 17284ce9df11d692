"""Published grades and recoveries of the commodities whose default rested on fewer than five mines
(manganese surface grade; lithium, cobalt and graphite recovery).

Reads coef_reads.csv (one row per mine-period or mine plan read: the variable, the value as a fraction, whether
stated or derived, the source id in mine_db/data/sources/sources.csv and the quoted words), takes each mine's
median over its periods, and prints, per variable, commodity, method and deposit type, n mines, median and
P10-P90 across mines and whether the sample reaches the five mines a fill must rest on (issue 17). A kind with
n >= 5 sets its default row directly; a kind below five keeps n in its row and is pooled with the wider sample
by mine_db.gapfill (the declared shrinkage rule for thin defaults).
Usage: python tools/defaults/coef_reads.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

READS = Path(__file__).with_name("coef_reads.csv")
MIN_MINES = 5
KEYS = ["variable", "commodity", "method", "deposit_type"]


def read_reads(path: Path = READS) -> pd.DataFrame:
    """The table of reads, method and deposit type '' where none is stated."""
    return pd.read_csv(path, dtype={"method": str, "deposit_type": str}).fillna({"method": "", "deposit_type": ""})


def pooled(reads: pd.DataFrame) -> pd.DataFrame:
    """n mines, median, P10, P90 of each mine's median value, per variable, commodity, method and deposit type."""
    per_mine = reads.groupby([*KEYS, "mine"], sort=False)["value"].median().reset_index()
    rows = []
    for key, group in per_mine.groupby(KEYS, sort=True):
        values = group["value"].to_numpy(float)
        rows.append(dict(zip(KEYS, key, strict=True), n=len(values), median=float(np.median(values)),
                         p10=float(np.percentile(values, 10)), p90=float(np.percentile(values, 90)),
                         enough=len(values) >= MIN_MINES,
                         mines="; ".join(f"{m} {v:.3g}" for m, v in zip(group["mine"], values, strict=True))))
    return pd.DataFrame(rows)


if __name__ == "__main__":
    pd.set_option("display.width", 250, "display.max_colwidth", 150)
    print(pooled(read_reads()).to_string(index=False))
