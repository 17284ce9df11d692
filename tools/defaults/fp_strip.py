"""Strip ratios per FINEPRINT mine: every mine-year, then the median per mine (writes fp_strip_mine_years.csv, fp_strip_per_mine.csv).

SR per mine-year = waste rock t / ore mined t; else (total material - ore) / ore; else the reported waste-to-ore or stripping ratio. Ore mined, else ore processed. Coal waste rows excluded. Method from facility_equipment of the main site and its sub-sites.
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_strip.py PATH/TO/fineprint-mine-production/final_2022-06
"""
# Recipe of the defaults campaign, kept as run (compact on purpose): see mine_db/data/default_coefficients.csv.
import sys

import numpy as np
import pandas as pd
from fp_sites import main_sites, methods, with_main

D=sys.argv[1].rstrip('/')+'/'
w=pd.read_csv(D+'waste.csv'); f=pd.read_csv(D+'facilities.csv'); m=pd.read_csv(D+'minerals.csv')
with_main(w,f,m)
fm=main_sites(f)
meth=methods(f)
# ore mined per main-year (non-coal)
om=m[(m.type=='Ore mined')].groupby(['main','year']).value_tonnes.sum()
op=m[(m.type=='Ore processed')].groupby(['main','year']).value_tonnes.sum()
ww=w[w.waste_type.isin(['Waste rock'])|w.waste_type.isna()]
ww=ww[~ww.material.isin(['F.coal','F.stc'])]
rows=[]
for (mn,yr),g in ww.groupby(['main','year']):
    ore=om.get((mn,yr),np.nan)
    if np.isnan(ore): ore=op.get((mn,yr),np.nan)
    wv=g.value_tonnes.sum(min_count=1); tot=g.total_material_tonnes.max()
    sr=np.nan; how=''
    if not np.isnan(wv) and ore>0: sr=wv/ore; how='waste/ore'
    elif not np.isnan(tot) and ore>0: sr=(tot-ore)/ore; how='(total-ore)/ore'
    elif g.waste_to_ore_ratio.notna().any(): sr=g.waste_to_ore_ratio.dropna().iloc[0]; how='reported w:o'
    elif g.stripping_ratio.notna().any(): sr=g.stripping_ratio.dropna().iloc[0]; how='reported SR'
    tm=' '.join(sorted(set(g.type_mining.dropna())))
    rows.append(dict(main=mn,year=yr,sr=sr,how=how,type_mining=tm,ore=ore))
r=pd.DataFrame(rows).dropna(subset=['sr'])
r['name']=r.main.map(fm.facility_name); r['pc']=r.main.map(fm.primary_commodity); r['country']=r.main.map(fm.country)
r['method']=r.main.map(meth)
r.loc[r.type_mining=='Underground','method']='UG(waste row)'
r.to_csv('fp_strip_mine_years.csv',index=False)
pm=r.groupby(['main','name','pc','country','method']).agg(sr=('sr','median'),years=('year','nunique'),y0=('year','min'),y1=('year','max')).reset_index()
pm.to_csv('fp_strip_per_mine.csv',index=False)
pd.set_option('display.width',250)
print(pm.sort_values(['pc','method','sr']).to_string())
