"""The supply-chain network as a Brightway 2.5 database (bw2data / bw2calc).

Why: life-cycle assessors work in Brightway. Each network node becomes an activity
(code = node id, location = ecoinvent-style code: ISO 3166 alpha-2, `GLO` for `WLD`),
each edge a technosphere exchange (amount = A[i, j], the engine's own coefficient), each
stressor a biosphere flow (overburden, waste rock, tailings, process residue, used
extraction, primary energy, CO2-eq) with one exchange per non-zero B[s, j]. Sources ride
along on activities and exchanges; declared distributions become stats_arrays
uncertainty fields, so Brightway's Monte Carlo samples the same ranges as `tracer mc`.
Impact methods: TMR, hidden flows and each stressor alone, factor 1.

`brightway_tables` is a pure function of the compiled network (and the graph, for
sources); it returns tidy tables that `tracer export brightway --out` writes and
that need no Brightway to read. `write_project` puts them into a Brightway project
(the optional `[brightway]` extra); bw2calc then gives every vehicle's TMR as `tracer`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pycountry

from hfcommon.errors import InputError
from hfcommon.output import write_set, write_table
from hfcommon.vocabulary import (
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
    STRESSOR_UNITS,
    STRESSORS,
    UNKNOWN_ORIGIN,
)
from tracer import api
from tracer.engine import CompiledNetwork, compile_network
from tracer.scenarios import apply_network, load_scenario

DATABASE = "hidden-flow-tracer"
BIOSPHERE = "hidden-flow-tracer biosphere"
METHOD_ROOT = "hidden-flow-tracer"
#: Biosphere flow of each stressor: name, Brightway type, categories.
FLOWS: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "overburden": ("Overburden", "natural resource", ("natural resource", "in ground")),
    "waste_rock": ("Waste rock", "natural resource", ("natural resource", "in ground")),
    "tailings": ("Tailings", "natural resource", ("natural resource", "in ground")),
    "process_residue": ("Process residue", "natural resource", ("natural resource", "in ground")),
    "used": ("Used extraction (embodied in the product)", "natural resource", ("natural resource", "in ground")),
    "energy": ("Primary energy", "natural resource", ("natural resource",)),
    "co2": ("Carbon dioxide equivalent", "emission", ("air",)),
}
#: Impact methods (name below METHOD_ROOT -> stressors with factor 1).
METHODS: Mapping[str, tuple[str, ...]] = {
    "Total Material Requirement": MASS_STRESSORS,
    "Hidden Flows": HIDDEN_STRESSORS,
    **{FLOWS[s][0]: (s,) for s in STRESSORS},
}
#: stats_arrays uncertainty ids of `graphs.model.Distribution` kinds.
_UNCERTAINTY_TYPES = {"lognormal": 2, "normal": 3, "uniform": 4, "triangular": 5}
#: pandas 2 parses CSV floats fast but not exactly unless asked; pandas 3 is exact (and deprecates the option).
_EXACT_FLOATS: dict[str, str] = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
TABLES = ("activities", "exchanges", "biosphere", "characterisation")


@dataclass(frozen=True, eq=False)
class BrightwayTables:
    """The database as tidy tables: activities, exchanges, biosphere flows, characterisation factors."""

    activities: pd.DataFrame
    exchanges: pd.DataFrame
    biosphere: pd.DataFrame
    characterisation: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name -> table, in the order they are written."""
        return {name: getattr(self, name) for name in TABLES}


def location(iso3: str) -> str:
    """Ecoinvent-style location of an ISO3 code: alpha-2, `GLO` for the world (WLD)."""
    if iso3 == UNKNOWN_ORIGIN:
        return "GLO"
    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country is not None else iso3


def brightway_tables(compiled: CompiledNetwork, network: nx.DiGraph | None = None) -> BrightwayTables:
    """The compiled network as Brightway tables; `network` (the graph it was compiled from) adds sources."""
    nodes = network.nodes if network is not None else {}
    activities = pd.DataFrame({
        "code": list(compiled.nodes),
        "name": compiled.name,
        "location": [location(c) for c in compiled.country],
        "country": compiled.country,
        "unit": compiled.unit,
        "kind": compiled.kind,
        "commodity": compiled.commodity,
        "source": [_text(nodes[n].get("source")) if n in nodes else "" for n in compiled.nodes],
    })
    return BrightwayTables(
        activities=activities,
        exchanges=pd.concat([_production(compiled), _technosphere(compiled, network), _biosphere(compiled, network)],
                            ignore_index=True),
        biosphere=pd.DataFrame({
            "code": list(compiled.stressors),
            "name": [FLOWS[s][0] for s in compiled.stressors],
            "unit": [STRESSOR_UNITS[s] for s in compiled.stressors],
            "type": [FLOWS[s][1] for s in compiled.stressors],
            "categories": ["::".join(FLOWS[s][2]) for s in compiled.stressors],
        }),
        characterisation=pd.DataFrame(
            [{"method": name, "flow": s, "factor": 1.0}
             for name, stressors in METHODS.items() for s in stressors if s in compiled.stressors],
            columns=["method", "flow", "factor"],
        ),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _production(compiled: CompiledNetwork) -> pd.DataFrame:
    return pd.DataFrame({"output": list(compiled.nodes), "input": list(compiled.nodes), "input_database": DATABASE,
                         "type": "production", "amount": 1.0, "unit": compiled.unit, "source": "",
                         "uncertainty_type": 0})


def _technosphere(compiled: CompiledNetwork, network: nx.DiGraph | None) -> pd.DataFrame:
    A = compiled.A.tocoo()
    suppliers = [compiled.nodes[i] for i in A.row]
    consumers = [compiled.nodes[j] for j in A.col]
    edges = [network.edges[s, c] if network is not None and network.has_edge(s, c) else {}
             for s, c in zip(suppliers, consumers, strict=True)]
    table = pd.DataFrame({"output": consumers, "input": suppliers, "input_database": DATABASE,
                          "type": "technosphere", "amount": A.data, "unit": compiled.unit[A.row],
                          "source": [_text(e.get("source")) for e in edges]})
    return _with_uncertainty(table, [e.get("uncertainty") for e in edges])


def _biosphere(compiled: CompiledNetwork, network: nx.DiGraph | None) -> pd.DataFrame:
    B = compiled.B.tocoo()
    stressors = [compiled.stressors[s] for s in B.row]
    attrs = [network.nodes[compiled.nodes[j]] if network is not None else {} for j in B.col]
    table = pd.DataFrame({"output": [compiled.nodes[j] for j in B.col], "input": stressors,
                          "input_database": BIOSPHERE, "type": "biosphere", "amount": B.data,
                          "unit": [STRESSOR_UNITS[s] for s in stressors],
                          "source": [_text((a.get("stressor_sources") or {}).get(s))
                                     for a, s in zip(attrs, stressors, strict=True)]})
    return _with_uncertainty(table, [(a.get("stressor_uncertainty") or {}).get(s)
                                     for a, s in zip(attrs, stressors, strict=True)])


def _with_uncertainty(table: pd.DataFrame, distributions: list[Any]) -> pd.DataFrame:
    """stats_arrays fields of each row's `graphs.model.Distribution` (type 0: none)."""
    fields = {k: np.full(len(table), np.nan) for k in ("loc", "scale", "minimum", "maximum")}
    kinds = np.zeros(len(table), dtype=int)
    for i, d in enumerate(distributions):
        if d is None:
            continue
        kinds[i] = _UNCERTAINTY_TYPES[d.kind]
        p = d.params
        if d.kind in ("lognormal", "normal"):
            fields["loc"][i], fields["scale"][i] = p
        elif d.kind == "uniform":
            fields["minimum"][i], fields["maximum"][i] = p
        else:
            fields["minimum"][i], fields["loc"][i], fields["maximum"][i] = p
    return table.assign(uncertainty_type=kinds, **fields)


def export(out: Path | None = None, project: str | None = None, *, database: str = DATABASE,
           backend: str = "iotable", fmt: str = "parquet", scenario: str | None = None,
           overwrite: bool = False) -> dict[str, Any]:
    """What `tracer export brightway` does: the default network (under `scenario` if given) as
    Brightway tables under `out` and/or as databases in Brightway project `project`."""
    if out is None and project is None:
        raise InputError("give --out DIR (tables) and/or --project NAME (a Brightway project)", column="--out")
    network = api.default_network()
    if scenario is not None:
        network = apply_network(network, load_scenario(scenario))
    tables = brightway_tables(compile_network(network), network)
    if project is not None:  # first: a refused project (no bw2data, database exists) leaves --out untouched
        with contextlib.redirect_stdout(sys.stderr):  # Brightway logs to stdout; keep it for results (--json)
            write_project(tables, project, database, backend=backend, overwrite=overwrite)
    files: list[str] = []
    if out is not None:
        written = write_set(out, lambda stage: [write_table(t, stage / name, fmt)
                                                for name, t in tables.tables().items()])
        files = [str(p) for p in written]
    return {
        "database": database, "biosphere": BIOSPHERE, "scenario": scenario,
        "activities": len(tables.activities), "biosphere_flows": len(tables.biosphere),
        "exchanges": tables.exchanges["type"].value_counts().to_dict(),
        "methods": [[METHOD_ROOT, m] for m in tables.characterisation["method"].unique()],
        "project": project, "backend": backend if project else None, "files": files,
    }


def read_tables(folder: str | Path) -> BrightwayTables:
    """Tables written by `tracer export brightway --out` (Parquet or CSV)."""
    root = Path(folder)
    tables = {}
    for name in TABLES:
        found = [p for p in (root / f"{name}.parquet", root / f"{name}.csv") if p.exists()]
        if not found:
            raise InputError(f"{root} has no {name}.parquet or {name}.csv: not a `tracer export brightway` folder",
                             file=str(root))
        path = found[0]
        tables[name] = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(
            path, keep_default_na=False, na_values=[""], dtype={"source": str, "commodity": str}, **_EXACT_FLOATS)
    return BrightwayTables(**tables)


def write_project(tables: BrightwayTables, project: str, database: str = DATABASE,
                  biosphere: str = BIOSPHERE, backend: str = "iotable",
                  overwrite: bool = False) -> list[tuple[str, ...]]:
    """Write the tables into Brightway project `project`; returns the methods registered.

    `backend="iotable"` (default) keeps every amount at float64, so bw2calc reproduces
    `tracer` to 1e-9; exchange sources stay in the tables. `backend="sqlite"` stores each
    exchange with its source and uncertainty, browsable in Brightway, but Brightway
    processes its amounts at float32 (about 1e-7 relative). Needs bw2data
    (`pip install "hidden-flow-tracer[brightway]"`); an existing database of the same
    name is an error unless `overwrite`.
    """
    if backend not in ("iotable", "sqlite"):
        raise InputError(f"unknown Brightway backend {backend!r}; use 'iotable' or 'sqlite'", column="--backend")
    try:
        import bw2data as bd
    except ImportError:
        raise InputError('writing a Brightway project needs bw2data: pip install "hidden-flow-tracer[brightway]"',
                         column="--project") from None
    bd.projects.set_current(project)
    for name in (biosphere, database):
        if name in bd.databases:
            if not overwrite:
                raise InputError(f"Brightway project {project!r} already has a database {name!r}; use --overwrite",
                                 column="--project")
            del bd.databases[name]
    bd.Database(biosphere).write(_biosphere_data(tables, biosphere))
    data = _technosphere_data(tables, database, biosphere)
    if backend == "sqlite":
        bd.Database(database).write(data)
    else:
        _write_iotable(bd, tables, data, database, biosphere)
    return _write_methods(bd, tables, biosphere)


def _write_iotable(bd: Any, tables: BrightwayTables, data: dict[tuple[str, str], dict[str, Any]],
                   database: str, biosphere: str) -> None:
    """Activities in SQLite, exchanges straight into float64 matrix arrays (bw2data's IOTable backend)."""
    db = bd.Database(database, backend="iotable")
    db.write({key: {**value, "exchanges": []} for key, value in data.items()})
    ids = {**{(database, a["code"]): a["id"] for a in db},
           **{(biosphere, f["code"]): f["id"] for f in bd.Database(biosphere)}}
    ex = tables.exchanges
    names = ex["input_database"].map({DATABASE: database, BIOSPHERE: biosphere})
    rows = np.array([ids[k] for k in zip(names, ex["input"], strict=True)], dtype=np.int64)
    cols = np.array([ids[(database, code)] for code in ex["output"]], dtype=np.int64)
    bio = (ex["type"] == "biosphere").to_numpy()
    techno = ~bio

    def vectors(mask: np.ndarray) -> dict[str, np.ndarray]:
        indices = np.empty(int(mask.sum()), dtype=[("row", np.int64), ("col", np.int64)])
        indices["row"], indices["col"] = rows[mask], cols[mask]
        return {"indices_array": indices, "data_array": ex["amount"].to_numpy(dtype=np.float64)[mask],
                "flip_array": (ex["type"] == "technosphere").to_numpy()[mask]}

    technosphere = vectors(techno)
    technosphere["reference_array"] = (ex["type"] == "production").to_numpy()[techno]
    db.write_exchanges(technosphere, vectors(bio), [biosphere])


def _write_methods(bd: Any, tables: BrightwayTables, biosphere: str) -> list[tuple[str, ...]]:
    methods = []
    units = tables.biosphere.set_index("code")["unit"]
    for name, rows in tables.characterisation.groupby("method", sort=False):
        key = (METHOD_ROOT, str(name))
        method = bd.Method(key)
        method.register(unit=" + ".join(units[rows["flow"]].unique()),
                        description=f"{name}: characterisation factor 1 per unit of flow")
        method.write([((biosphere, flow), float(f)) for flow, f in zip(rows["flow"], rows["factor"], strict=True)])
        methods.append(key)
    return methods


def _biosphere_data(tables: BrightwayTables, biosphere: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(biosphere, row.code): {"name": row.name, "unit": row.unit, "type": row.type,
                                    "categories": tuple(row.categories.split("::")), "exchanges": []}
            for row in tables.biosphere.itertuples(index=False)}


def _technosphere_data(tables: BrightwayTables, database: str, biosphere: str) -> dict[tuple[str, str], dict[str, Any]]:
    databases = {DATABASE: database, BIOSPHERE: biosphere}
    data = {}
    for row in tables.activities.itertuples(index=False):
        data[(database, row.code)] = {
            "name": row.name, "location": row.location, "unit": row.unit, "type": "process",
            "reference product": row.name, "kind": row.kind, "country": row.country,
            "commodity": _optional(row.commodity), "source": _optional(row.source), "exchanges": [],
        }
    for row in tables.exchanges.to_dict(orient="records"):
        exchange = {"input": (databases[row["input_database"]], row["input"]), "amount": float(row["amount"]),
                    "type": row["type"], "unit": row["unit"], "uncertainty type": int(row["uncertainty_type"])}
        exchange.update({k: float(row[k]) for k in ("loc", "scale", "minimum", "maximum") if pd.notna(row[k])})
        if _optional(row["source"]):
            exchange["comment"] = row["source"]
        data[(database, row["output"])]["exchanges"].append(exchange)
    return data


def _optional(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) or value == "" else str(value)
