"""Washery rejects per t of saleable coal, per country, from FINEPRINT's coal mines (graphs/data/parameters.csv, *_coal_rejects_t_per_t).

coal.csv gives each mine-year's 'Coal mined' (run of mine, ROM) and 'Clean coal' (saleable); where a source gave one
figure both rows carry it, so only mine-years with clean coal below ROM (washed coal, both figures reported) count.
Rejects per t saleable = ROM / clean - 1. Per mine: the median over its years in the window; per country: the median
and interquartile range over its mines, and the coal-weighted ratio (sum ROM / sum clean - 1). The pool is every mine
outside China (China's gangue and rejects are cn_coal_gangue_t_per_t).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_coal_rejects.py PATH/TO/fineprint-mine-production/final_2022-06 [FIRST_YEAR LAST_YEAR]
"""
# Recipe of the issue-19 coal campaign, kept as run (compact on purpose).
import sys

import pandas as pd
from fp_sites import with_main

D = sys.argv[1].rstrip('/') + '/'
first, last = (int(a) for a in sys.argv[2:4]) if len(sys.argv) > 3 else (2015, 2020)
f = pd.read_csv(D + 'facilities.csv'); c = pd.read_csv(D + 'coal.csv')
with_main(f, c)
iso = f.drop_duplicates('facility_id').set_index('facility_id').GID_0
y = c[c.year.between(first, last)].pivot_table(index=['main', 'facility_id', 'year'], columns='type',
                                               values='value_tonnes', aggfunc='sum').reset_index()
y = y[y['Clean coal'] < 0.999 * y['Coal mined']].copy()
y['country'] = y.main.map(iso); y['rejects'] = y['Coal mined'] / y['Clean coal'] - 1
mines = y.groupby(['country', 'main']).rejects.median().reset_index()


def line(label: str, m: pd.DataFrame, rows: pd.DataFrame) -> str:
    q = m.rejects.quantile([0.25, 0.5, 0.75])
    weighted = rows['Coal mined'].sum() / rows['Clean coal'].sum() - 1
    return (f"{label}: {len(m)} mines, {len(rows)} mine-years; median {q[0.5]:.3f} (IQR {q[0.25]:.3f}-{q[0.75]:.3f}, "
            f"mines {m.rejects.min():.3f}-{m.rejects.max():.3f}); coal-weighted {weighted:.3f} "
            f"(ROM {rows['Coal mined'].sum() / 1e6:.1f} Mt, clean {rows['Clean coal'].sum() / 1e6:.1f} Mt)")


print(f"t rejects per t saleable coal, {first}-{last}")
for country, m in mines.groupby('country'):
    print(line(country, m, y[y.country == country]))
print(line('pool outside CHN', mines[mines.country != 'CHN'], y[y.country != 'CHN']))
