"""Hand-computed figures that the lithium-chain tests share (written once; not the package's own parameters)."""

KWH_GJ = 0.0036
GAS_CO2_T_PER_GJ = 0.0561  # IPCC 2006 Vol. 2 Table 1.4, natural gas 56,100 kg CO2/TJ
LI_PER_LI2CO3 = 2 * 6.941 / 73.891
LI_PER_LIOH_H2O = 6.941 / (6.941 + 15.999 + 1.008 + 2 * 1.008 + 15.999)
#: Jiangxi Xinlong's approved converter (10,000 t/a Li2CO3): 5,000 万kWh and 1,238.4 万m3 of gas a year.
XINLONG_KWH_PER_T_LI2CO3 = 50e6 / 10_000
XINLONG_GAS_M3_PER_T_LI2CO3 = 12.384e6 / 10_000
CARBONATE, HYDROXIDE = "refining:lithium_carbonate:CHN", "refining:lithium_hydroxide:CHN"
SUPPLY = "market:lithium:supply-CHN"
