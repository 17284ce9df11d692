"""How much one mine's strip ratio, head grade and recovery move from year to year (FINEPRINT, 2000-2020): A42.

Per mine with at least three years: sd of log of its strip ratio (surface mines; per mine-year as
fp_strip.py derives it) and of its primary commodity's head grade (ore processed, else ore mined;
per mine-year as fp_grades.py reads it), and the sd of its recovery; prints the median and P10-P90
across mines, the spread a mine's own value gets in the Monte Carlo (tracer/uncertainty/sources.py).
Run fp_strip.py and fp_grades.py first (they write the per-year tables this reads).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_year_spread.py   (in the folder where fp_strip.py and fp_grades.py wrote)
"""
import numpy as np
import pandas as pd

YEARS = (2000, 2020)
MIN_YEARS = 3
PRIMARY = {"Copper": "Me.Cu", "Zinc": "Me.Zn", "Nickel": "Me.Ni", "Lead": "Me.Pb", "Gold": "Me.Au", "Iron": "Me.Fe",
           "Platinum": "Me.Pt", "Palladium": "Me.Pd", "Molybdenum": "Me.Mo", "Silver": "Me.Ag", "Cobalt": "Me.Co"}


def spread(values: pd.DataFrame, by: list[str], column: str, log: bool = True) -> pd.Series:
    """sd (of log, if `log`) of `column` per group with at least MIN_YEARS distinct years."""
    of = np.log if log else np.asarray
    grouped = values.groupby(by).agg(years=("year", "nunique"), sd=(column, lambda s: np.std(of(s), ddof=1)))
    return grouped.loc[grouped.years >= MIN_YEARS, "sd"]


strip = pd.read_csv("fp_strip_mine_years.csv")
strip = strip[(strip.sr > 0) & strip.year.between(*YEARS) & ~strip.method.astype(str).str.startswith("UG")]
commodities = pd.read_csv("fp_commodities_annot.csv", low_memory=False)
commodities = commodities[commodities.year.between(*YEARS) & (commodities.commodity == commodities.pc.map(PRIMARY))]
recovery = commodities[commodities.recovery_rate > 0].drop_duplicates(["main", "commodity", "year"])
grade = commodities[(commodities.grade_ppm > 0) & (commodities.material == "O.bulk")]
grade = grade.assign(rank=(grade.mtype != "Ore processed").astype(int)).sort_values("rank")
grade = grade.drop_duplicates(["main", "commodity", "year"])
for label, sd in (("strip ratio, sd of log", spread(strip, ["main"], "sr")),
                  ("head grade, sd of log", spread(grade, ["main", "commodity"], "grade_ppm")),
                  ("recovery, sd", spread(recovery, ["main", "commodity"], "recovery_rate", log=False))):
    q = sd.quantile([0.1, 0.5, 0.9])
    print(f"{label}: {len(sd)} mines, median {q[0.5]:.3f} (P10-P90 {q[0.1]:.3f}-{q[0.9]:.3f})")
