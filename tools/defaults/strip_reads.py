"""Published strip ratios of the commodities that took or still take a fill (A31 metal-pit transfer, A38 bauxite,
lithium, zinc-lead pits, the underground development waste of every commodity).

Reads strip_reads.csv (one row per mine-year or mine plan read: the value, its unit, whether stated
or derived from tonnes, the source id (sd_, ls_, ug_ or fp_) in mine_db/data/sources/sources.csv and the quoted words),
takes each mine's median over its years (as tools/defaults/fp_strip.py does), and prints, per
commodity, method and deposit type, n mines, median, P10-P90 across mines, and whether the sample
reaches the five mines a fill must rest on (issue 17). Underground reads carry commodity 'all': the
default they test is one row for every commodity mined underground. A kind with n >= 5 may
replace its fill by its own pooled row; a kind below five keeps the fill and lists its reads in the
row note. Volume ratios (m3/m3) are listed but never pooled: no density from the same document.
Usage: python tools/defaults/strip_reads.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

READS = Path(__file__).with_name("strip_reads.csv")
TONNAGE_UNIT = "t waste / t ore"
MIN_MINES = 5
KEYS = ["commodity", "method", "deposit_type"]


def read_reads(path: Path = READS) -> pd.DataFrame:
    """The table of reads, deposit type '' where none is stated."""
    return pd.read_csv(path, dtype={"deposit_type": str}).fillna({"deposit_type": ""})


def pooled(reads: pd.DataFrame) -> pd.DataFrame:
    """n mines, median, P10, P90 of each mine's median tonnage ratio, per commodity, method and deposit type."""
    tonnage = reads[reads["unit"] == TONNAGE_UNIT]
    per_mine = tonnage.groupby([*KEYS, "mine"], sort=False)["value"].median().reset_index()
    # every kind with a deposit type, and each commodity and method over all its mines (deposit type '')
    kinds = pd.concat([per_mine[per_mine["deposit_type"] != ""], per_mine.assign(deposit_type="")])
    rows = []
    for key, group in kinds.groupby(KEYS, sort=True):
        values = group["value"].to_numpy(float)
        rows.append(dict(zip(KEYS, key, strict=True), n=len(values), median=float(np.median(values)),
                         p10=float(np.percentile(values, 10)), p90=float(np.percentile(values, 90)),
                         enough=len(values) >= MIN_MINES,
                         mines="; ".join(f"{m} {v:.3g}" for m, v in zip(group["mine"], values, strict=True))))
    return pd.DataFrame(rows)


if __name__ == "__main__":
    pd.set_option("display.width", 250, "display.max_colwidth", 120)
    print(pooled(read_reads()).to_string(index=False))
