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

import pandas as pd
from reads import across_mines, per_mine

READS = Path(__file__).with_name("coef_reads.csv")
KEYS = ["variable", "commodity", "method", "deposit_type"]


def read_reads(path: Path = READS) -> pd.DataFrame:
    """The table of reads, method and deposit type '' where none is stated."""
    return pd.read_csv(path, dtype={"method": str, "deposit_type": str}).fillna({"method": "", "deposit_type": ""})


def pooled(reads: pd.DataFrame) -> pd.DataFrame:
    """n mines, median, P10, P90 of each mine's median value, per variable, commodity, method and deposit type."""
    return across_mines(per_mine(reads, KEYS), KEYS)

if __name__ == "__main__":
    pd.set_option("display.width", 250, "display.max_colwidth", 150)
    print(pooled(read_reads()).to_string(index=False))
