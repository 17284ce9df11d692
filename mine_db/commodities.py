"""The twelve mined commodities the tracer follows, each with its production basis.

Why a registry: a tonne of "copper" means a tonne of Cu *content*, a tonne of
"bauxite" a tonne of *gross* ore, a tonne of "graphite" a tonne of marketable
concentrate. Hidden-flow arithmetic (ore = metal / (grade x recovery)) is only right
when production, grade and concentrate grade are stated on the same basis, so each
commodity declares that basis once, here, matching how national 2019 production is
reported (/work/shared/domain/G_world_mine_production_2019.md, table G0).

The issue asks for eleven minerals, "graphite or rare earths". We keep both: graphite
is the anode of every lithium-ion battery and rare earths (Nd, Pr, Dy) are the
permanent magnets of most EV traction motors, so both are EV-specific burdens that
would vanish from a BEV's footprint if either were dropped.

Defaults are the last rung of gap filling (mine -> country -> global -> default). They
come from /work/shared/domain/E_mining_coefficients.md (tables E2-E7); values with no
published figure are labelled "modelling assumption" in their source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from hfcommon.errors import InputError

StrippingWaste = Literal["overburden", "waste_rock"]

_E = "Domain file E_mining_coefficients.md"
_FP = "FINEPRINT mine production database (Jasansky et al. 2023, Sci. Data 10:52)"
_GENERIC_SR = (
    "modelling assumption: no strip ratio published for this commodity (E5/E11 gap); "
    "1 t waste per t ore as implied by the ore-TMR approximation of Halada et al. "
    f"(ore-TMR ~ 2 / grade; {_E}, table E1)"
)

#: Waste per tonne of ore at underground mines (development waste), every commodity.
UNDERGROUND_STRIP_RATIO = 0.2
UNDERGROUND_STRIP_RATIO_SOURCE = (
    f"modelling assumption: midpoint of 0.1-0.3 t development waste per t ore for "
    f"underground mines ({_E}, table E2, itself an unsourced estimate)"
)


@dataclass(frozen=True)
class Sourced:
    """A number with the text that says where it comes from."""

    value: float
    source: str


@dataclass(frozen=True)
class Commodity:
    """One mined commodity: its production basis and its fall-back coefficients.

    `grade` is the mass fraction of the *graded substance* in run-of-mine ore;
    `basis_content` is the mass fraction of that substance in one tonne of the
    production basis (1 where production is reported as content, 0.95 for graphite
    whose production is marketable concentrate at ~95 % graphitic carbon). Hence
    ore = metal_t * basis_content / (grade * recovery).
    `direct_shipping` marks commodities often sold as mined or only screened and
    washed (run-of-mine grade close to product grade), so a high ore grade is no sign
    of a concentrate figure filed as ore.
    """

    code: str
    name: str
    basis: str
    unit: str
    graded_substance: str
    stripping_waste: StrippingWaste
    grade: Sourced
    recovery: Sourced
    concentrate_grade: Sourced
    strip_ratio: Sourced
    basis_content: Sourced = Sourced(1.0, "production is reported as content of the graded substance")
    direct_shipping: bool = False
    brine_grade: Sourced | None = None
    brine_recovery: Sourced | None = None


def _s(value: float, source: str) -> Sourced:
    return Sourced(value, source)


_COMMODITIES: tuple[Commodity, ...] = (
    Commodity(
        code="iron_ore",
        name="Iron ore",
        basis="iron (Fe) content of usable ore",
        unit="t Fe",
        graded_substance="Fe",
        direct_shipping=True,
        stripping_waste="waste_rock",
        grade=_s(0.60, f"{_FP}: head grades Australia 59.5 %, Liberia 60.0 % Fe ({_E}, E6a; n = 4, thin)"),
        recovery=_s(0.85, "modelling assumption: no Fe recovery published; hematite ores dominate supply"),
        concentrate_grade=_s(0.65, f"{_FP}: median product / pellet-feed grade 65.0 % Fe, n = 23 ({_E}, E7)"),
        strip_ratio=_s(3.36, f"{_FP}: median of 10 iron ore mines, 2004-2020 ({_E}, E5)"),
    ),
    Commodity(
        code="bauxite",
        name="Bauxite",
        basis="bauxite, gross weight",
        unit="t bauxite",
        graded_substance="marketable bauxite",
        direct_shipping=True,
        stripping_waste="overburden",
        grade=_s(1.0, "modelling assumption: bauxite is shipped as mined (direct-shipping ore, "
                 "no concentrator), so 1 t of ore is 1 t of product"),
        recovery=_s(1.0, "modelling assumption: direct-shipping ore, no beneficiation losses"),
        concentrate_grade=_s(1.0, "modelling assumption: the product is the ore itself"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="copper",
        name="Copper",
        basis="copper (Cu) content of mine output",
        unit="t Cu",
        graded_substance="Cu",
        stripping_waste="waste_rock",
        grade=_s(0.00651, f"{_FP}: ore-weighted head grade 0.651 % Cu, 41 mines, 2015-2020 ({_E}, E6a)"),
        recovery=_s(0.872, f"{_FP}: median concentrator recovery, n = 43, 2010-2020 ({_E}, E7)"),
        concentrate_grade=_s(0.2497, f"{_FP}: median concentrate grade 24.97 % Cu, n = 26 ({_E}, E7)"),
        strip_ratio=_s(1.28, f"{_FP}: ore-weighted waste/ore of 19 mines, 2015-2019 ({_E}, E5)"),
    ),
    Commodity(
        code="nickel",
        name="Nickel",
        basis="nickel (Ni) content of mine output",
        unit="t Ni",
        graded_substance="Ni",
        stripping_waste="waste_rock",
        grade=_s(0.01055, f"{_FP}: ore-weighted head grade 1.055 % Ni, sulfide and laterite ({_E}, E6a)"),
        recovery=_s(0.805, f"{_FP}: median recovery of 6 sulfide concentrators ({_E}, E7)"),
        concentrate_grade=_s(0.119, f"{_FP}: mean of the two reported Ni concentrate grades, "
                             f"Kevitsa 9.75 % and Lounge Lizard 14.0 % ({_E}, E7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="cobalt",
        name="Cobalt",
        basis="recoverable cobalt (Co) content of mine output",
        unit="t Co",
        graded_substance="Co",
        stripping_waste="waste_rock",
        grade=_s(0.00094, f"{_FP}: ore-weighted head grade 0.094 % Co, n = 6 ({_E}, E6a)"),
        recovery=_s(0.645, f"{_FP}: recovery, DR Congo, n = 1 ({_E}, E7)"),
        concentrate_grade=_s(0.08, f"SMM 2019: grade assumed for cobalt ore imports, 8 % Co ({_E}, E3)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="lithium",
        name="Lithium",
        basis="lithium (Li) content of mine output (hard rock and brine)",
        unit="t Li",
        graded_substance="Li",
        stripping_waste="waste_rock",
        grade=_s(0.00543, f"Busch et al. 2025 (Nat. Sustain.), median of producing hard-rock deposits, "
                 f"0.543 % Li ({_E}, E6b)"),
        recovery=_s(0.566, f"derived from {_FP}, Mt Cattlin: 0.113 t concentrate/t ore x 2.79 % Li "
                    f"(6 % Li2O) / 0.557 % Li head grade ({_E}, E3, E7)"),
        concentrate_grade=_s(0.02787, f"SC6 spodumene concentrate, 6.0 % Li2O x 0.4645 Li/Li2O "
                             f"(Busch et al. 2025 median; {_E}, E7)"),
        strip_ratio=_s(3.57, f"{_FP}: Mt Cattlin, (total - ore) / ore, 2017-2019, n = 1 ({_E}, E5)"),
        brine_grade=_s(0.00204, f"Busch et al. 2025: median Li in producing Chilean brines, 0.204 % "
                       f"({_E}, E6b)"),
        brine_recovery=_s(0.5, "modelling assumption: no brine recovery published; it only scales the "
                          "brine volume reported in ore_t, never a hidden flow"),
    ),
    Commodity(
        code="manganese",
        name="Manganese",
        basis="manganese (Mn) content of mine output",
        unit="t Mn",
        graded_substance="Mn",
        direct_shipping=True,
        stripping_waste="waste_rock",
        grade=_s(0.30, f"Eramet: Moanda (Gabon) run-of-mine ore ~30 % Mn ({_E}, E6b)"),
        recovery=_s(0.62, f"modelling assumption: equal to the median Mn concentrate/ore mass yield "
                    f"0.62 of {_FP} (n = 3; {_E}, E7)"),
        concentrate_grade=_s(0.343, "derived: world 2019 Mn content / gross weight of manganese ore, "
                             "20,600 / 60,100 kt (USGS Minerals Yearbook 2020, table 7; domain file G7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="lead",
        name="Lead",
        basis="lead (Pb) content of mine output",
        unit="t Pb",
        graded_substance="Pb",
        stripping_waste="waste_rock",
        grade=_s(0.0183, f"{_FP}: ore-weighted head grade 1.83 % Pb ({_E}, E6a)"),
        recovery=_s(0.74, f"{_FP}: median recovery, n = 17 ({_E}, E7)"),
        concentrate_grade=_s(0.54, f"{_FP}: median concentrate grade 54.0 % Pb, n = 10 ({_E}, E7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="zinc",
        name="Zinc",
        basis="zinc (Zn) content of mine output",
        unit="t Zn",
        graded_substance="Zn",
        stripping_waste="waste_rock",
        grade=_s(0.0503, f"{_FP}: ore-weighted head grade 5.03 % Zn ({_E}, E6a)"),
        recovery=_s(0.836, f"{_FP}: median recovery, n = 24 ({_E}, E7)"),
        concentrate_grade=_s(0.5398, f"{_FP}: median concentrate grade 53.98 % Zn, n = 13 ({_E}, E7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="pgm",
        name="Platinum-group metals",
        basis="platinum + palladium metal in mine output",
        unit="t Pt+Pd",
        graded_substance="Pt+Pd",
        stripping_waste="waste_rock",
        grade=_s(3.41e-6, f"{_FP}: ore-weighted head grade 3.41 g/t PGM, 67 Mt ore ({_E}, E6a)"),
        recovery=_s(0.805, f"{_FP}: median recovery, n = 6 ({_E}, E7)"),
        concentrate_grade=_s(1.5e-4, "modelling assumption: 150 g/t PGM in flotation concentrate "
                             "(no published value found)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
    Commodity(
        code="graphite",
        name="Natural graphite",
        basis="marketable graphite, gross weight",
        unit="t graphite",
        graded_substance="graphitic carbon (TGC)",
        stripping_waste="waste_rock",
        grade=_s(0.19, f"Syrah Resources, Balama head grade ~19 % TGC in the first 10 years ({_E}, E6b)"),
        recovery=_s(0.912, "derived: Balama 365 kt/a concentrate x 0.95 TGC / (2 Mt/a ore x 0.19 TGC) "
                    f"({_E}, E7)"),
        concentrate_grade=_s(0.95, f"Syrah Resources, Balama concentrate 95 to > 98 % TGC ({_E}, E7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
        basis_content=_s(0.95, f"marketable graphite taken at 95 % TGC, Balama concentrate ({_E}, E7)"),
    ),
    Commodity(
        code="rare_earths",
        name="Rare earths",
        basis="rare-earth oxide (REO) equivalent of mine output",
        unit="t REO",
        graded_substance="TREO",
        stripping_waste="waste_rock",
        grade=_s(0.0644, f"Lynas, Mt Weld reserves 6.44 % TREO ({_E}, E6b); ion-adsorption clays "
                 "are far leaner (~800 ppm), so this understates ore for China"),
        recovery=_s(0.65, "modelling assumption: no REE concentrator recovery published"),
        concentrate_grade=_s(0.35, f"derived: Mt Weld 5,500 t REO in 15,593 t concentrate ({_E}, E7)"),
        strip_ratio=_s(1.0, _GENERIC_SR),
    ),
)

COMMODITIES: MappingProxyType[str, Commodity] = MappingProxyType({c.code: c for c in _COMMODITIES})
CODES: tuple[str, ...] = tuple(COMMODITIES)


def get(code: str) -> Commodity:
    """The commodity registered under `code`; `InputError` for anything else."""
    try:
        return COMMODITIES[code]
    except KeyError:
        raise InputError(f"unknown commodity {code!r}; expected one of {', '.join(CODES)}") from None
