"""Nickel, cobalt and PGM grades by group (laterite, sulphide, Bushveld reefs) from the Mudd & Jowitt 2022 nickel workbook.

Sheet Ni Master: group col. 0, status col. 3, mine type col. 6; reserves (cols. 73/94 Mt, 81/102 % Ni, 82/103 % Co, 83-84/104-105 Pt, Pd g/t), resources (cols. 10/31/52 Mt with their grades); tonnage-weighted per project (writes mj_ni_parsed.csv).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/mj_ni.py PATH/TO/mudd-jowitt-resources
"""
# Recipe of the defaults campaign, kept as run (compact on purpose): see mine_db/data/default_coefficients.csv.
import sys

import numpy as np
import pandas as pd

x=pd.read_excel(sys.argv[1].rstrip('/')+'/Mudd-and-Jowitt-2022-Nickel.xlsx','Ni Master',header=None)
d=x.iloc[4:].copy()
num=lambda c: pd.to_numeric(d[c],errors='coerce')
D=pd.DataFrame({'group':d[0],'country':d[1],'name':d[2],'status':d[3],'mtype':d[6],'process':d[9],
 'M':num(10),'I':num(31),'F':num(52),'P':num(73),'Pb':num(94),
 'M_ni':num(18),'I_ni':num(39),'F_ni':num(60),'P_ni':num(81),'Pb_ni':num(102),
 'M_co':num(19),'I_co':num(40),'F_co':num(61),'P_co':num(82),'Pb_co':num(103),
 'M_pt':num(20),'I_pt':num(41),'F_pt':num(62),'P_pt':num(83),'Pb_pt':num(104),
 'M_pd':num(21),'I_pd':num(42),'F_pd':num(63),'P_pd':num(84),'Pb_pd':num(105),
 'res_mt':num(121),'res_ni':num(122),'dt1':d[173],'dt4':d[176]})
D=D[D.name.notna()]
def wavg(r,cats,el):
    mt=sum(r[c] if r[c]>0 else 0 for c in cats); 
    if mt<=0: return np.nan
    s=0;w=0
    for c in cats:
        g=r[f'{c}_{el}']
        if r[c]>0 and pd.notna(g): s+=g*r[c]; w+=r[c]
    return s/w if w>0 else np.nan
for el in ['ni','co','pt','pd']:
    D['res_'+el+'_w']=D.apply(lambda r: wavg(r,['M','I','F'],el),axis=1)
    D['rv_'+el]=D.apply(lambda r: wavg(r,['P','Pb'],el),axis=1)
D['rv_mt']=D.P.fillna(0)+D.Pb.fillna(0)
D.to_csv('mj_ni_parsed.csv',index=False)
print(D.group.value_counts().to_string()); print(D.status.value_counts().head(8).to_string()); print(D.mtype.value_counts().to_string())
def st(v):
    v=np.asarray(v,float); v=v[~np.isnan(v)&(v>0)]
    return f"n={len(v)} median={np.median(v):.4g} p10={np.percentile(v,10):.4g} p25={np.percentile(v,25):.4g} p75={np.percentile(v,75):.4g} p90={np.percentile(v,90):.4g}" if len(v) else 'n=0'
for g in ['Ni S','Ni L']:
    s=D[D.group==g]; op=s[s.status.astype(str).str.startswith('Operat')]
    print('==',g,'all resources Ni%',st(s.res_ni), '| reserves Ni%',st(s.rv_ni))
    gop=op.rv_ni.where(op.rv_ni>0,op.res_ni_w)
    print('   operating (reserve else resource) Ni%',st(gop))
    for mt in ['OC','UG']:
        o=op[op.mtype.astype(str)==mt]; print('   operating',mt,st(o.rv_ni.where(o.rv_ni>0,o.res_ni_w)))
    print('   Co% resources',st(s.res_co_w),'| operating',st(op.rv_co.where(op.rv_co>0,op.res_co_w)))
