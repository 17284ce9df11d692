"""Copper and cobalt grades by deposit type from the Mudd & Jowitt 2018 copper workbook.

Sheet Master Data: resources (col. 6 % Cu, col. 10 % Co), 2015 Mt milled (col. 33), reserves (col. 36 % Cu, col. 40 % Co), primary deposit type (col. 63).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/mj_cu.py PATH/TO/mudd-jowitt-resources
"""
# Recipe of the defaults campaign, kept as run (compact on purpose): see mine_db/data/default_coefficients.csv.
import sys

import numpy as np
import pandas as pd

x=pd.read_excel(sys.argv[1].rstrip('/')+'/Mudd-and-Jowitt-2018-Copper.xlsx','Master Data',header=None)
d=x.iloc[5:].copy()
d=d[[0,1,5,6,10,33,35,36,40,63]]; d.columns=['name','country','res_mt','res_cu','res_co','milled15','rv_mt','rv_cu','rv_co','dtype']
for k in ['res_mt','res_cu','res_co','milled15','rv_mt','rv_cu','rv_co']: d[k]=pd.to_numeric(d[k],errors='coerce')
d=d[d.name.notna()&d.dtype.notna()]
print(d.dtype.value_counts().head(20))
def st(v):
    v=np.asarray(v,float); v=v[~np.isnan(v)&(v>0)]
    return f"n={len(v)} median={np.median(v):.4g} p25={np.percentile(v,25):.4g} p75={np.percentile(v,75):.4g} p10={np.percentile(v,10):.4g} p90={np.percentile(v,90):.4g}" if len(v) else 'n=0'
for t in ['Porphyry','Sediment-hosted Stratiform']:
    s=d[d.dtype.astype(str).str.startswith(t)]
    print('==',t)
    print(' resources Cu%:',st(s.res_cu))
    print(' reserves Cu%:',st(s.rv_cu))
    op=s[s.milled15>0]; g=op.rv_cu.where(op.rv_cu>0,op.res_cu)
    print(' operating 2015 (reserve else resource) Cu%:',st(g), ' milled-weighted:',(g*op.milled15).sum()/op.milled15[g.notna()].sum())
    print(' Co% resources:',st(s.res_co),' reserves Co%',st(s.rv_co))
    if t.startswith('Sed'):
        cc=s[s.country.isin(['DR Congo','Zambia','Democratic Republic of Congo','DRC','D.R. Congo','Congo (DR)','DR of Congo','Congo-Kinshasa','DR Congo ','Congo-DRC'])]
        print(' DRC/Zambia countries:',cc.country.unique())
        print(' DRC+Zambia resources Cu%:',st(cc.res_cu),' Co%',st(cc.res_co))
        print(' DRC+Zambia reserves Cu%:',st(cc.rv_cu),' Co%',st(cc.rv_co))
        op2=cc[cc.milled15>0]; g=op2.rv_cu.where(op2.rv_cu>0,op2.res_cu); print(' DRC/Zam operating:',st(g), list(op2.name))
        gco=op2.rv_co.where(op2.rv_co>0,op2.res_co); print(' DRC/Zam operating Co:',st(gco))
print(d.country.unique()[:200])
