"""What the tracer's own network says about one car: material contents by powertrain
and battery chemistry, and the hidden flows and CO2 behind one tonne of each material.

Nothing is re-entered here: contents are the activities x = (I - A)^-1 y of a unit
demand for a vehicle (the bill of materials of ``graphs/data``), and the per-tonne
coefficients are the engine's multipliers B (I - A)^-1 at the material nodes.
The aggregate BEV and PHEV carry the network's 2019 chemistry mix; a variant with
one chemistry group swaps that mix for the group's own packs, in the same proportions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from hfcommon.vocabulary import DEFAULT_HOME, HIDDEN_STRESSORS
from tracer.engine import compile_network, multipliers, solver_for
from tracer.scenarios.levers import secondary_route
from tracer.stock.powertrains import VARIANTS
from tracer.stock.tables import read_checked_csv

PACK_PREFIX = "component:traction_battery_"
LFP = "LFP"


@dataclass(frozen=True)
class CarCoefficients:
    """Per-vehicle contents and per-tonne coefficients, aligned with ``metals`` rows."""

    metals: pd.DataFrame  # the rows of car_metals.csv, with metal_per_t evaluated
    content_t: np.ndarray  # (variants, material nodes): t of material per vehicle
    mass_t: np.ndarray  # (variants,): t of all materials per vehicle
    hidden_per_t: np.ndarray  # (material nodes,): hidden flows per t of the displaced material
    co2_per_t: np.ndarray  # (material nodes,): t CO2 per t of the displaced material
    route_hidden_per_t: np.ndarray  # (material nodes,): hidden flows per t from the network's secondary route, 0 if none


def load_metals(path: str | Path) -> pd.DataFrame:
    """Read car_metals.csv; ``metal_per_t`` may name a graphs parameter (evaluated here)."""
    df = read_checked_csv(path, text=("material_node", "metal", "metal_per_t", "displaces", "commodity", "source"),
                          numbers=("recovery_rate", "recovery_low", "recovery_high"),
                          optional_numbers=("co2_secondary_t_per_t",), key=("material_node",))
    values = []
    for i, text in enumerate(df["metal_per_t"]):
        try:
            values.append(float(text))
        except ValueError:
            from graphs.parameters import load_parameters

            try:
                values.append(load_parameters().value(text))
            except KeyError:
                raise InputError(f"neither a number nor a graphs parameter: {text!r}", file=str(path),
                                 row=i + 2, column="metal_per_t") from None
    df["metal_per_t"] = values
    bad = np.flatnonzero(~((df["recovery_low"] <= df["recovery_rate"]) & (df["recovery_rate"] <= df["recovery_high"])
                           & (df["recovery_high"] <= 1)).to_numpy())
    if bad.size:
        raise InputError("need recovery_low <= recovery_rate <= recovery_high <= 1", file=str(path),
                         row=int(bad[0]) + 2, column="recovery_rate")
    return df


def _variant_demands(G: nx.DiGraph) -> dict[str, dict[str, float]]:
    """Each variant as a demand on vehicle and pack nodes (pack swaps for one chemistry)."""
    demands: dict[str, dict[str, float]] = {"ICEV": {"ICEV": 1.0}, "HEV": {"HEV": 1.0}}
    for vehicle in ("PHEV", "BEV"):
        packs = {u: float(d["amount"]) for u, _, d in G.in_edges(vehicle, data=True) if u.startswith(PACK_PREFIX)}
        if not packs:
            raise InputError(f"the network's {vehicle} has no traction-battery packs ({PACK_PREFIX}*)")
        for group in (LFP, "NMC/NCA"):
            members = {p: s for p, s in packs.items() if (p.rsplit("_", 1)[-1] == LFP) == (group == LFP)}
            total = sum(members.values())
            if total <= 0:
                raise InputError(f"the network's {vehicle} has no {group} pack share")
            demand = {vehicle: 1.0, **{p: -s for p, s in packs.items()}}
            for p, s in members.items():
                demand[p] += s / total
            demands[f"{vehicle}-{group}"] = demand
    return demands


def car_coefficients(metals: pd.DataFrame, network: nx.DiGraph | None = None) -> CarCoefficients:
    """Contents and coefficients from ``network`` (default: the bundled China 2019 network)."""
    if network is None:
        from tracer import api

        network = api.default_network()
    compiled = compile_network(network)
    missing = [n for n in (*metals["material_node"], *metals["displaces"]) if n not in compiled.index]
    if missing:
        raise InputError(f"material node(s) not in the network: {', '.join(dict.fromkeys(missing))}",
                         column="material_node")
    solver = solver_for(compiled)
    demands = _variant_demands(network)
    Y = np.zeros((compiled.n, len(VARIANTS)))
    for j, variant in enumerate(VARIANTS):
        for node, amount in demands[variant].items():
            Y[compiled.index[node], j] += amount
    X = solver.solve(Y)  # (nodes, variants)
    materials = compiled.indices_of_kind("material")
    rows = [compiled.index[n] for n in metals["material_node"]]
    BL = multipliers(compiled, solver)
    hidden = BL[[compiled.stressors.index(s) for s in HIDDEN_STRESSORS if s in compiled.stressors]].sum(axis=0)
    displaced = [compiled.index[n] for n in metals["displaces"]]
    routes = [secondary_route(network, c, DEFAULT_HOME) for c in metals["commodity"]]
    route_hidden = np.array([hidden[compiled.index[r]] if r is not None else 0.0 for r in routes])
    return CarCoefficients(metals=metals, content_t=X[rows].T, mass_t=X[materials].sum(axis=0),
                           hidden_per_t=hidden[displaced],
                           co2_per_t=BL[compiled.stressors.index("co2"), displaced],
                           route_hidden_per_t=route_hidden)

