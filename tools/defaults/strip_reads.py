"""Published strip ratios of the commodities that took or still take a fill (A31 metal-pit transfer, A38 bauxite,
lithium, zinc-lead pits, the underground development waste of every commodity).

Reads strip_reads.csv (one row per mine-year or mine plan read: the value, its unit, whether stated
or derived from tonnes, the source id (sd_, ls_, ug_ or fp_) in mine_db/data/sources/sources.csv and the quoted words),
takes each mine's median over its years (as tools/defaults/fp_strip.py does), and prints, per
commodity, method and deposit type, n mines, median, P10-P90 across mines, and whether the sample
reaches the five mines a fill must rest on (issue 17). Underground reads carry commodity 'all': the
default they test is one row for every commodity mined underground. A kind with n >= 5 may
replace its fill by its own pooled row; a kind below five keeps the fill and lists its reads in the
row note. Volume ratios (m3/m3, or m3 per t of ore) are listed but never pooled: no density from the same document.
Usage: python tools/defaults/strip_reads.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reads import across_mines, per_mine

READS = Path(__file__).with_name("strip_reads.csv")
TONNAGE_UNIT = "t waste / t ore"
KEYS = ["commodity", "method", "deposit_type"]


def read_reads(path: Path = READS) -> pd.DataFrame:
    """The table of reads, deposit type '' where none is stated."""
    return pd.read_csv(path, dtype={"deposit_type": str}).fillna({"deposit_type": ""})


def pooled(reads: pd.DataFrame) -> pd.DataFrame:
    """n mines, median, P10, P90 of each mine's median tonnage ratio, per commodity, method and deposit type."""
    mines = per_mine(reads[reads["unit"] == TONNAGE_UNIT], KEYS)
    # every kind with a deposit type, and each commodity and method over all its mines (deposit type '')
    return across_mines(pd.concat([mines[mines["deposit_type"] != ""], mines.assign(deposit_type="")]), KEYS)

if __name__ == "__main__":
    pd.set_option("display.width", 250, "display.max_colwidth", 120)
    print(pooled(read_reads()).to_string(index=False))
