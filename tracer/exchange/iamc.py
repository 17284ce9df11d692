"""Results as the IAMC long table (model, scenario, region, variable, unit, year, value).

Why: scenario and integrated-assessment modellers read results with pyam / the IAMC
format. Variables follow one declared hierarchy (`VARIABLES`), in which a variable
equals the sum of its children wherever children are written (`Hidden Flows` =
`Hidden Flows|Overburden` + `|Waste Rock` + `|Tailings`; `Hidden Flows|Waste Rock` =
the sum over `Hidden Flows|Waste Rock|<Material>`), so pyam's `check_aggregate` holds.
Regions are ISO 3166 alpha-3 codes: for `tracer compare` the home country whose
production is traced (where the flows occur is part of the variable:
`Hidden Flows by Origin|Abroad|PER`); for `tracer fleet` the study's region.

Written with pandas (pyam pulls in a database client and a notebook kernel; it stays an
optional reader: `pip install "hidden-flow-tracer[iamc]"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS, UNKNOWN_ORIGIN
from tracer import __version__

if TYPE_CHECKING:
    from tracer.scenarios.compare import Comparison, ScenarioRun
    from tracer.stock.config import FleetConfig
    from tracer.stock.model import FleetResult

COLUMNS: tuple[str, ...] = ("model", "scenario", "region", "variable", "unit", "year", "value")
#: IAMC names of the stressors.
STRESSOR_LABELS = {"overburden": "Overburden", "waste_rock": "Waste Rock", "tailings": "Tailings",
                   "process_residue": "Process Residue", "used": "Used Material"}
#: Words of material and class ids written in their usual spelling, not title case.
_SPELLINGS = {"pgm": "PGM", "ndfeb": "NdFeB", "lfp": "LFP", "nmc": "NMC"}
MASS, PER_VEHICLE, VEHICLES, STOCK = "Mt/yr", "t/vehicle", "million vehicles/yr", "million vehicles"


@dataclass(frozen=True)
class Variable:
    """One entry of the variable hierarchy: a name pattern (`<...>` = one label), its unit, its meaning."""

    pattern: str
    unit: str
    meaning: str

    def matches(self, name: str, unit: str) -> bool:
        """Whether a written variable and its unit are an instance of this entry."""
        return _instance(self.pattern, name) and _instance(self.unit, unit)


def _instance(pattern: str, text: str) -> bool:
    parts = re.split(r"<[^>]+>", pattern)
    return re.fullmatch("[^|]+".join(re.escape(p) for p in parts), text) is not None


VARIABLES: tuple[Variable, ...] = (
    Variable("Total Material Requirement", MASS, "all material extracted for the production (TMR)"),
    Variable("Total Material Requirement|<Stressor>", MASS, "TMR by flow type: hidden flows, process residue, used"),
    Variable("Total Material Requirement by Vehicle|<Vehicle>", MASS, "TMR of each vehicle type's production"),
    Variable("Total Material Requirement per Vehicle|<Vehicle>", PER_VEHICLE, "TMR of one vehicle"),
    Variable("Hidden Flows", MASS, "overburden + waste rock + tailings"),
    Variable("Hidden Flows|<Stressor>", MASS, "hidden flows by type"),
    Variable("Hidden Flows|<Stressor>|<Material>", MASS, "hidden flows by type and by the material they end in"),
    Variable("Hidden Flows by Origin|Domestic", MASS, "hidden flows in the region itself"),
    Variable("Hidden Flows by Origin|Abroad", MASS, "hidden flows in other countries"),
    Variable("Hidden Flows by Origin|Abroad|<ISO3>", MASS, "hidden flows in one other country"),
    Variable("Hidden Flows by Origin|Unknown Origin", MASS, "hidden flows of world-average (WLD) supply"),
    Variable("Hidden Flows by Vehicle|<Vehicle>", MASS, "hidden flows of each vehicle type's production"),
    Variable("Hidden Flows per Vehicle|<Vehicle>", PER_VEHICLE, "hidden flows of one vehicle"),
    Variable("Vehicles Produced", VEHICLES, "vehicles produced"),
    Variable("Vehicles Produced|<Vehicle>", VEHICLES, "vehicles produced by type"),
    Variable("Supply Chain Energy", "PJ/yr", "primary energy used along the supply chain"),
    Variable("Supply Chain Emissions|CO2", "Mt CO2-eq/yr", "CO2 emitted along the supply chain"),
    Variable("Vehicle Stock", STOCK, "vehicles in use"),
    Variable("Vehicle Stock|<Class>", STOCK, "vehicles in use by class"),
    Variable("Vehicle Sales", VEHICLES, "vehicles entering the stock"),
    Variable("Vehicle Sales|<Class>", VEHICLES, "vehicles entering the stock by class"),
    Variable("End-of-Life Vehicles", VEHICLES, "vehicles leaving the stock"),
    Variable("End-of-Life Vehicles|<Class>", VEHICLES, "vehicles leaving the stock by class"),
    Variable("End-of-Life Mass", MASS, "mass of the vehicles leaving the stock"),
    Variable("End-of-Life Mass|<Class>", MASS, "mass of the vehicles leaving the stock by class"),
    Variable("End-of-Life Material Content|<Material>", MASS, "content of one material in end-of-life vehicles"),
    Variable("Recovered Material", MASS, "material recovered from end-of-life vehicles"),
    Variable("Recovered Material|<Material>", MASS, "one material recovered"),
    Variable("Value of Recovered Material", "billion USD_<price year>/yr", "value of the recovered material"),
    Variable("Energy Avoided", "PJ/yr", "primary energy avoided by secondary instead of primary material"),
    Variable("Emissions Avoided|CO2 (fixed factors)", "Mt CO2-eq/yr", "CO2 avoided, primary-production factors fixed"),
    Variable("Emissions Avoided|CO2 (declining factors)", "Mt CO2-eq/yr",
             "CO2 avoided, primary-production factors declining"),
)


def model_name() -> str:
    """The IAMC `model`: this tool and its version."""
    return f"hidden-flow-tracer {__version__}"


def label(code: str) -> str:
    """IAMC spelling of an id: `material:copper_wire` -> `Copper Wire`, `ndfeb_magnet` -> `NdFeB Magnet`."""
    words = re.split(r"[_\s]+", code.split(":")[-1].strip())
    return " ".join(_SPELLINGS.get(w.lower(), w[:1].upper() + w[1:]) for w in words if w) or code


def comparison_iamc(comparison: Comparison) -> pd.DataFrame:
    """Every scenario of a `tracer compare` run, one row per variable (region: the home country)."""
    frames = [_scenario_rows(run, comparison.home) for run in comparison.runs]
    return pd.DataFrame(pd.concat(frames, ignore_index=True), columns=list(COLUMNS))


def _scenario_rows(run: ScenarioRun, home: str) -> pd.DataFrame:
    result = run.result
    flows, summary = result.flows, result.summary
    mass = flows[flows["stressor"].isin(MASS_STRESSORS)]
    hidden = mass[mass["stressor"].isin(HIDDEN_STRESSORS)]
    rows: list[tuple[str, str, float]] = [("Total Material Requirement", MASS, mass["value"].sum() / 1e6)]
    rows += _children("Total Material Requirement", mass, "stressor", MASS, STRESSOR_LABELS.get)
    rows += [("Hidden Flows", MASS, hidden["value"].sum() / 1e6)]
    rows += _children("Hidden Flows", hidden, "stressor", MASS, STRESSOR_LABELS.get)
    for stressor, part in hidden.groupby("stressor", observed=True):
        rows += _children(f"Hidden Flows|{STRESSOR_LABELS[str(stressor)]}", part, "material", MASS, _material)
    origin = hidden["country"].astype(str)
    abroad = hidden[(origin != home) & (origin != UNKNOWN_ORIGIN)]
    rows += [("Hidden Flows by Origin|Domestic", MASS, hidden.loc[origin == home, "value"].sum() / 1e6),
             ("Hidden Flows by Origin|Abroad", MASS, abroad["value"].sum() / 1e6),
             ("Hidden Flows by Origin|Unknown Origin", MASS, hidden.loc[origin == UNKNOWN_ORIGIN, "value"].sum() / 1e6)]
    rows += _children("Hidden Flows by Origin|Abroad", abroad, "country", MASS, str)
    rows += _children("Hidden Flows by Vehicle", hidden, "vehicle", MASS, str)
    rows += _children("Total Material Requirement by Vehicle", mass, "vehicle", MASS, str)
    rows += [(f"Hidden Flows per Vehicle|{v}", PER_VEHICLE, float(x))
             for v, x in summary["per_vehicle_hidden_t"].items()]
    rows += [(f"Total Material Requirement per Vehicle|{v}", PER_VEHICLE, float(x))
             for v, x in summary["per_vehicle_tmr_t"].items()]
    fleet = result.fleet[result.fleet > 0]
    rows += [("Vehicles Produced", VEHICLES, float(fleet.sum()) / 1e6)]
    rows += [(f"Vehicles Produced|{v}", VEHICLES, float(n) / 1e6) for v, n in fleet.items()]
    totals = flows.groupby("stressor", observed=True)["value"].sum()
    if "energy" in totals:
        rows.append(("Supply Chain Energy", "PJ/yr", float(totals["energy"]) / 1e6))
    if "co2" in totals:
        rows.append(("Supply Chain Emissions|CO2", "Mt CO2-eq/yr", float(totals["co2"]) / 1e6))
    table = pd.DataFrame(rows, columns=["variable", "unit", "value"])
    return table.assign(model=model_name(), scenario=run.label, region=home,
                        year=int(result.network.graph.get("base_year", 2019)))


def _material(code: str) -> str:
    return "No Material" if code == "(none)" else label(code)


def _children(parent: str, rows: pd.DataFrame, by: str, unit: str, name: object) -> list[tuple[str, str, float]]:
    """`parent|<name(key)>` for every key of column `by`, in Mt (the parent's sum splits exactly)."""
    sums = rows.groupby(rows[by].astype(str))["value"].sum()
    return [(f"{parent}|{name(key)}", unit, float(value) / 1e6) for key, value in sums.items()]


def fleet_iamc(result: FleetResult, config: FleetConfig) -> pd.DataFrame:
    """A `tracer fleet` run per year: stock, sales, end of life, materials, value, energy and CO2 avoided
    (region: the study's `region`)."""
    flows, materials, totals = result.flows, result.materials, result.summary
    parts = [
        _yearly(totals, "stock_vehicles", "Vehicle Stock", STOCK, 1e6),
        _yearly(flows, "stock_vehicles", "Vehicle Stock", STOCK, 1e6, "vehicle_class"),
        _yearly(totals, "inflow_vehicles", "Vehicle Sales", VEHICLES, 1e6),
        _yearly(flows, "inflow_vehicles", "Vehicle Sales", VEHICLES, 1e6, "vehicle_class"),
        _yearly(totals, "outflow_vehicles", "End-of-Life Vehicles", VEHICLES, 1e6),
        _yearly(flows, "outflow_vehicles", "End-of-Life Vehicles", VEHICLES, 1e6, "vehicle_class"),
        _yearly(totals, "eol_mass_t", "End-of-Life Mass", MASS, 1e6),
        _yearly(flows, "eol_mass_t", "End-of-Life Mass", MASS, 1e6, "vehicle_class"),
        _yearly(materials, "content_t", "End-of-Life Material Content", MASS, 1e6, "material"),
        _yearly(totals, "recovered_t", "Recovered Material", MASS, 1e6),
        _yearly(materials, "recovered_t", "Recovered Material", MASS, 1e6, "material"),
        _yearly(totals, "value_usd", "Value of Recovered Material", f"billion USD_{config.price_year}/yr", 1e9),
        _yearly(totals, "energy_avoided_gj", "Energy Avoided", "PJ/yr", 1e6),
        _yearly(totals, "co2_avoided_fixed_t", "Emissions Avoided|CO2 (fixed factors)", "Mt CO2-eq/yr", 1e6),
        _yearly(totals, "co2_avoided_declining_t", "Emissions Avoided|CO2 (declining factors)", "Mt CO2-eq/yr", 1e6),
    ]
    table = pd.concat(parts, ignore_index=True)
    return table.assign(model=model_name(), scenario=config.name, region=config.region)[list(COLUMNS)]


def _yearly(table: pd.DataFrame, column: str, variable: str, unit: str, scale: float,
            by: str | None = None) -> pd.DataFrame:
    keys = ["year"] if by is None else ["year", by]
    sums = table.groupby(keys, as_index=False, observed=True)[column].sum()
    names = variable if by is None else variable + "|" + sums[by].astype(str).map(label)
    return pd.DataFrame({"variable": names, "unit": unit, "year": sums["year"].astype(int),
                         "value": sums[column] / scale})
