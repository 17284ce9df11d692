"""Head grade, recovery and concentrate grade per FINEPRINT mine and method (writes fp_grade_stats.csv).

Per mine-year from commodities.csv (grade_ppm of ore processed, else ore mined; recovery_rate; Con.* grades), then the median per mine over 2010-2020, then statistics across mines by method (OP, UG, OP+UG).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_grades.py PATH/TO/fineprint-mine-production/final_2022-06
"""
# Recipe of the defaults campaign, kept as run (compact on purpose): see mine_db/data/default_coefficients.csv.
import sys

import numpy as np
import pandas as pd
from fp_sites import main_sites, methods, with_main

D=sys.argv[1].rstrip('/')+'/'
f=pd.read_csv(D+'facilities.csv'); c=pd.read_csv(D+'commodities.csv'); m=pd.read_csv(D+'minerals.csv')
with_main(f,c,m)
fm=main_sites(f)
meth=methods(f)
c=c.merge(m[['id','type']].rename(columns={'id':'id_minerals','type':'mtype'}),on='id_minerals',how='left')
c['method']=c.main.map(meth); c['name']=c.main.map(fm.facility_name); c['country']=c.main.map(fm.country); c['pc']=c.main.map(fm.primary_commodity)
lat=set(m[m.material=='M.lat'].main)|set(c[c.material=='M.lat'].main)
c['lat']=c.main.isin(lat)
c.to_csv('fp_commodities_annot.csv',index=False)
W=(2010,2020)
def stats(v):
    v=np.asarray(v,float); v=v[~np.isnan(v)]
    if len(v)==0: return dict(n=0)
    return dict(n=len(v),median=np.median(v),p25=np.percentile(v,25),p75=np.percentile(v,75),p10=np.percentile(v,10),p90=np.percentile(v,90),min=v.min(),max=v.max())
out=[]
def run(label,sub,col,scale=1.0):
    sub=sub[(sub.year>=W[0])&(sub.year<=W[1])]
    pm=sub.groupby('main')[col].median()*scale
    for meth_ in ['all','OP','UG','OP+UG']:
        p=pm if meth_=='all' else pm[pm.index.map(meth).values==meth_]
        s=stats(p.values); s.update(label=label,var=col,method=meth_,mines=';'.join(sorted(p.index.map(fm.facility_name).astype(str)))[:300])
        out.append(s)
ORE=['O.Cu','O.bulk','O.Ni','O.Zn','O.pgm','O.sul','O.oxi','O.Fe','O.Al','O.Li','O.Mn','M.lat','O.Pb','O.Ag','O.Au']
def ore(sub): 
    s=sub[sub.material.isin(ORE)&(sub.grade_ppm>0)]
    pr=s[s.mtype=='Ore processed']; mi=s[s.mtype=='Ore mined']
    return pd.concat([pr, mi[~mi.main.isin(pr.main)]])
for met,lab,pcs in [('Me.Cu','copper',['Copper']),('Me.Ni','nickel',['Nickel']),('Me.Co','cobalt',None),('Me.Zn','zinc',['Zinc','Silver','Other (poly)-metallic','Lead']),('Me.Pb','lead',['Zinc','Silver','Other (poly)-metallic','Lead']),('Me.pgm','pgm',None),('Me.Fe','iron_ore',['Iron']),('Me.Mn','manganese',None),('Me.Al2O3','bauxite',None),('Me.Li2O','lithium',None)]:
    s=c[c.commodity==met]
    if pcs: s=s[s.pc.isin(pcs)]
    g=ore(s).copy(); g['grade']=g.grade_ppm/1e6
    run(lab,g,'grade')
    if lab=='nickel':
        run('nickel_laterite',g[g.lat|g.country.isin(['Indonesia','Philippines','New Caledonia','Colombia','Cuba','Brazil','Guatemala'])],'grade')
        run('nickel_sulphide',g[~(g.lat|g.country.isin(['Indonesia','Philippines','New Caledonia','Colombia','Cuba','Brazil','Guatemala']))],'grade')
    if lab=='copper':
        run('copper_DRC_Zambia',g[g.country.isin(['DR Congo','Zambia'])],'grade')
        run('copper_excl_DRC_Zambia',g[~g.country.isin(['DR Congo','Zambia'])],'grade')
    r=s[s.recovery_rate>0].copy(); r['recovery']=r.recovery_rate.where(r.recovery_rate<=1,r.recovery_rate/100)
    run(lab,r,'recovery')
    if lab=='copper':
        run('copper_DRC_Zambia',r[r.country.isin(['DR Congo','Zambia'])],'recovery')
    k=c[(c.commodity==met)&c.material.str.startswith('Con.')&(c.grade_ppm>0)].copy(); k['conc_grade']=k.grade_ppm/1e6
    run(lab,k,'conc_grade')
o=pd.DataFrame(out)
cols=['label','var','method','n','median','p25','p75','p10','p90','min','max','mines']
pd.set_option('display.width',300); pd.set_option('display.max_colwidth',120)
o=o[cols]; o.to_csv('fp_grade_stats.csv',index=False)
print(o[o.n>0].drop(columns='mines').to_string(float_format=lambda x:'%.4g'%x))
