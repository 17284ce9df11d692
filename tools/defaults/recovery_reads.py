"""Published recoveries of the process routes that took a fill without a sample (iron-ore concentrators, A32).

Reads recovery_reads.csv (one row per mine-year or study read: the value, how it was derived, the source id in
mine_db/data/sources/sources.csv and the quoted words), takes each mine's median over its years or studies (as
strip_reads.py does for strip ratios), and prints, per commodity and process route, n mines, median, P10-P90 across
mines and whether the sample reaches the five mines a fill must rest on (issue 17). Operating mines (FINEPRINT's three
iron concentrators with ore t, ore Fe, product t and product Fe: tools/defaults/fp_iron_recovery.py) and study plans
(life-of-mine concentrate over reserve Fe) are pooled; the row note of default_coefficients.csv says which is which.
Usage: python tools/defaults/recovery_reads.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reads import across_mines, per_mine

READS = Path(__file__).with_name("recovery_reads.csv")
KEYS = ["commodity", "process"]


def read_reads(path: Path = READS) -> pd.DataFrame:
    return pd.read_csv(path)


def pooled(reads: pd.DataFrame) -> pd.DataFrame:
    """n mines, median, P10, P90 of each mine's median recovery, per commodity and process route."""
    return across_mines(per_mine(reads, KEYS), KEYS, digits=4)

if __name__ == "__main__":
    pd.set_option("display.width", 250, "display.max_colwidth", 150)
    print(pooled(read_reads()).to_string(index=False))
