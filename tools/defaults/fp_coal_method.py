"""Open-pit share of coal mined per country in FINEPRINT's 2019 coverage (graphs/data/parameters.csv, *_coal_open_pit_share).

Coal mined (coal.csv, type 'Coal mined') of the main sites by their mining method (fp_sites.methods):
share = (OP + half of OP+UG) / (OP + OP+UG + UG); low end = OP / classified, high end = (OP + OP+UG) / classified.
Coverage = classified coal / the country's 2019 output given on the command line (BP, H_energy_coal_steel.md 2.1).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_coal_method.py PATH/TO/fineprint-mine-production/final_2022-06 USA=640.8 RUS=440.9 COL=84.3
"""
# Recipe of the issue-19 coal campaign, kept as run (compact on purpose).
import sys

import pandas as pd
from fp_sites import methods, with_main

D = sys.argv[1].rstrip('/') + '/'
national = {k: float(v) for k, v in (a.split('=') for a in sys.argv[2:])}
f = pd.read_csv(D + 'facilities.csv'); c = pd.read_csv(D + 'coal.csv')
with_main(f, c)
meth = methods(f)
iso = f.drop_duplicates('facility_id').set_index('facility_id').GID_0
c = c[(c.type == 'Coal mined') & (c.year == 2019)].copy()
c['country'] = c.main.map(iso); c['method'] = c.main.map(meth)
for country, total in national.items():
    t = c[c.country == country].groupby('method').value_tonnes.sum() / 1e6
    op, mix, ug = (t.get(k, 0.0) for k in ('OP', 'OP+UG', 'UG'))
    known = op + mix + ug
    print(f"{country}: OP {op:.1f} OP+UG {mix:.1f} UG {ug:.1f} unknown {t.get('unknown', 0.0):.1f} Mt; "
          f"share {(op + mix / 2) / known:.3f} (low {op / known:.3f}, high {(op + mix) / known:.3f}); "
          f"coverage {known / total:.1%} of {total} Mt")
