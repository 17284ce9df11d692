"""Strip-ratio statistics across mines (the strip_ratio rows of mine_db/data/default_coefficients.csv).

Reads fp_strip_per_mine.csv (fp_strip.py) and the Mudd & Jowitt 2018 copper workbook (primary deposit type, col. 63, matched by mine name). Prints copper (all, porphyry, DR Congo + Zambia), iron ore and all surface metal mines (coal and underground excluded, ratios <= 0 excluded): n, median, P10-P90.
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/strip_summary.py PATH/TO/mudd-jowitt-resources
"""
# Recipe of the defaults campaign, kept as run (compact on purpose): see mine_db/data/default_coefficients.csv.
import sys

import numpy as np
import pandas as pd

pm=pd.read_csv('fp_strip_per_mine.csv')
x=pd.read_excel(sys.argv[1].rstrip('/')+'/Mudd-and-Jowitt-2018-Copper.xlsx','Master Data',header=None).iloc[5:]
mj=x[[0,1,63]].dropna(subset=[0]); mj.columns=['mjname','country','dtype']
def mjtype(n):
    n0=str(n).split('/')[0].split(' Copper')[0].strip().lower()
    hit=mj[mj.mjname.astype(str).str.lower().str.contains(n0,regex=False)]
    return '; '.join(sorted(set(hit.dtype.astype(str))))+' <= '+'; '.join(hit.mjname.astype(str).head(3)) if len(hit) else ''
def st(v):
    v=np.asarray(v,float)
    return dict(n=len(v),median=np.median(v),p10=np.percentile(v,10),p90=np.percentile(v,90),p25=np.percentile(v,25),p75=np.percentile(v,75),min=v.min(),max=v.max())
cu=pm[(pm.pc=='Copper')&(pm.name!='Duck Pond')].copy()
cu['mj']=cu.name.map(mjtype)
print(cu[['name','country','method','sr','mj']].to_string())
out={}
out['copper_surface_all']=st(cu.sr)
sed=list(cu[cu.country.isin(['Zambia','DR Congo'])].sr)+list(pm[pm.name=='Lonshi'].sr)
out['copper_sediment_hosted_DRC_Zambia']=st(sed)
por=cu[cu.mj.str.startswith('Porphyry') & (cu.sr>0)]  # Quebrada Blanca reports 0 every year: an artefact
out['copper_porphyry']=st(por.sr); print('porphyry mines:',list(por.name))
fe=pm[(pm.pc=='Iron')&~pm.name.isin(['Murray Basin','Iluka Western Australia','Jacinth-Ambrosia','Namakwa Sands','Sierra Rutile','Casa de Pedra'])]
out['iron_surface']=st(fe.sr); print('iron:',list(fe.name))
sur=pm[(pm.pc!='Coal')&(~pm.method.fillna('').str.startswith('UG'))&(pm.sr>0)]
out['all_surface_metal_mines']=st(sur.sr)
for k,v in out.items(): print(k,{a:round(b,3) for a,b in v.items()})
