"""A small synthetic run (flows, mines, summary) shaped like the engine's output, for the map tests.

Other map test modules import `synthetic_flows`, `synthetic_mines` and
`synthetic_summary` from here; the tests below check the synthetic tables themselves
so that a broken fixture fails loudly instead of making every map test vacuous.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (mine_id, name, country, commodity, resolution, latitude, longitude)
MINES = [
    ("CL-ESC", "Escondida", "CHL", "copper", "mine", -24.27, -69.07),
    ("PE-ANT", "Antamina", "PER", "copper", "mine", -9.54, -77.05),
    ("AU-PIL", "Pilbara iron", "AUS", "iron_ore", "mine", -22.7, 118.4),
    ("AU-GRE", "Greenbushes", "AUS", "lithium", "mine", -33.86, 116.06),
    ("CD-KOL", "Kolwezi", "COD", "cobalt", "mine", -10.72, 25.47),
    ("ID-NIC", "Sulawesi nickel", "IDN", "nickel", "mine", -2.55, 121.37),
    ("CN-ROC-FE", "China rest of country (iron ore)", "CHN", "iron_ore", "rest_of_country", 33.0, 108.0),
    ("CN-ROC-AL", "China rest of country (bauxite)", "CHN", "bauxite", "rest_of_country", None, None),
]
# material -> (mine_id, component)
SUPPLY = {
    "copper": [("CL-ESC", "wiring"), ("PE-ANT", "motor")],
    "steel": [("AU-PIL", "body"), ("CN-ROC-FE", "body")],
    "aluminium": [("CN-ROC-AL", "body")],
    "lithium": [("AU-GRE", "battery")],
    "cobalt": [("CD-KOL", "battery")],
    "nickel": [("ID-NIC", "battery")],
}
VEHICLES = {"ICEV": 1.0, "BEV-NMC811": 1.6, "BEV-LFP": 1.3}
FLEET = pd.Series({"ICEV": 1000.0, "BEV-NMC811": 100.0, "BEV-LFP": 80.0})


def synthetic_mines() -> pd.DataFrame:
    """Mine table with mine_db's required columns; one rest-of-country row has no coordinates, as allowed."""
    table = pd.DataFrame(MINES, columns=["mine_id", "name", "country", "commodity", "resolution", "latitude", "longitude"])
    return table.assign(
        mine_type="open_pit", year=2019, metal_t=1000.0, source=[f"synthetic source {i}" for i in range(len(table))]
    )


def synthetic_flows(scale: float = 1.0) -> pd.DataFrame:
    """Long flows table (the engine's columns): mining stressors at mines, residues at Chinese smelters."""
    rng = np.random.default_rng(7)
    country = {m[0]: m[2] for m in MINES}
    rows = []
    for vehicle, factor in VEHICLES.items():
        for material, suppliers in SUPPLY.items():
            if vehicle == "ICEV" and material in {"lithium", "cobalt", "nickel"}:
                continue
            if vehicle == "BEV-LFP" and material in {"cobalt", "nickel"}:
                continue
            for mine, component in suppliers:
                base = scale * factor * float(rng.uniform(1e5, 5e6))
                for stressor, share in (("overburden", 1.0), ("waste_rock", 0.4), ("tailings", 0.6)):
                    rows.append((vehicle, country[mine], mine, material, component, "mining", stressor, base * share, "t"))
                rows.append((vehicle, "CHN", None, material, component, "smelting", "process_residue", base * 0.05, "t"))
                rows.append((vehicle, "CHN", None, material, component, "manufacturing", "used", base * 0.01, "t"))
                rows.append((vehicle, "CHN", None, material, component, "smelting", "energy", base * 0.2, "GJ"))
        rows.append((vehicle, "WLD", None, "copper", "wiring", "mining", "tailings", scale * 1e4, "t"))
    columns = ["vehicle", "country", "mine", "material", "component", "stage", "stressor", "value", "unit"]
    return pd.DataFrame(rows, columns=columns)


def synthetic_summary(flows: pd.DataFrame) -> dict[str, object]:
    """A summary dict with the keys of the engine's summary.json that the report reads."""
    mass = flows[flows["unit"] == "t"]
    totals = mass.groupby("stressor")["value"].sum()
    hidden = float(totals[["overburden", "waste_rock", "tailings"]].sum())
    return {
        "home": "CHN",
        "vehicles_produced": FLEET.to_dict(),
        "total_tmr_t": float(totals.sum()),
        "hidden_t": hidden,
        "used_t": float(totals["used"]),
        "hidden_to_used": hidden / float(totals["used"]),
        "energy_GJ": float(flows.loc[flows["stressor"] == "energy", "value"].sum()),
    }


def test_synthetic_flows_have_engine_columns_and_are_positive() -> None:
    flows = synthetic_flows()
    assert list(flows.columns) == ["vehicle", "country", "mine", "material", "component", "stage", "stressor", "value", "unit"]
    assert (flows["value"] > 0).all()
    assert set(flows["vehicle"]) == set(VEHICLES)


def test_synthetic_mines_cover_every_mine_in_the_flows() -> None:
    flows, mines = synthetic_flows(), synthetic_mines()
    assert set(flows["mine"].dropna()) == set(mines["mine_id"])
