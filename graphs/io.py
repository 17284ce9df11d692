"""Save and load networks: node and edge tables as Parquet (exact), GraphML for other tools.

Why two tables with JSON cells: dict attributes (stressors, their sources and
uncertainties) and free extras do not fit columns, and JSON written with sorted keys
and Python's shortest round-trip float repr gives the same bytes for the same graph
and the same floats back. Graph-level attributes ride in the node file's Parquet
metadata. GraphML cannot hold dicts, so there they are flattened to `stressors.overburden`.
graphs must not import tracer, so the atomic write is done here: temporary files
next to the targets, renamed into place only once both are complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from graphs.model import CORE_NODE_ATTRS, Distribution
from hfcommon.errors import InputError
from hfcommon.output import write_set

NODES_FILE = "nodes.parquet"
EDGES_FILE = "edges.parquet"
GRAPHML_FILE = "network.graphml"
_GRAPH_KEY = b"hidden_flow_tracer.graph"
_NODE_SCALARS = ("kind", "name", "country", "unit", "commodity", "mine_id")
_NODE_SCHEMA = pa.schema([
    ("id", pa.string()),
    *[(c, pa.string()) for c in _NODE_SCALARS],
    ("stressors", pa.string()),
    ("stressor_sources", pa.string()),
    ("stressor_uncertainty", pa.string()),
    ("extra", pa.string()),
])
_EDGE_SCHEMA = pa.schema([
    ("supplier", pa.string()),
    ("consumer", pa.string()),
    ("amount", pa.float64()),
    ("source", pa.string()),
    ("uncertainty", pa.string()),
    ("extra", pa.string()),
])
_EDGE_CORE = ("amount", "source", "uncertainty")


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, allow_nan=False)


def node_table(G: nx.DiGraph) -> pd.DataFrame:
    """One row per node; dict attributes and extras as deterministic JSON text."""
    rows = []
    for nid, data in G.nodes(data=True):
        extra = {k: v for k, v in data.items() if k not in CORE_NODE_ATTRS}
        rows.append({
            "id": nid,
            **{c: data.get(c) for c in _NODE_SCALARS},
            "stressors": _dumps(data.get("stressors", {})),
            "stressor_sources": _dumps(data.get("stressor_sources", {})),
            "stressor_uncertainty": _dumps({k: d.to_text() for k, d in data.get("stressor_uncertainty", {}).items()}),
            "extra": _dumps(extra),
        })
    return pa.Table.from_pylist(rows, schema=_NODE_SCHEMA).to_pandas()


def edge_table(G: nx.DiGraph) -> pd.DataFrame:
    """One row per edge: supplier, consumer, amount, source, uncertainty (text or null), extras as JSON."""
    rows = [
        {"supplier": u, "consumer": v, "amount": d["amount"], "source": d["source"],
         "uncertainty": d["uncertainty"].to_text() if d.get("uncertainty") is not None else None,
         "extra": _dumps({k: x for k, x in d.items() if k not in _EDGE_CORE})}
        for u, v, d in G.edges(data=True)
    ]
    return pa.Table.from_pylist(rows, schema=_EDGE_SCHEMA).to_pandas()


def graph_from_tables(nodes: pd.DataFrame, edges: pd.DataFrame, graph: dict[str, Any] | None = None) -> nx.DiGraph:
    """Rebuild the DiGraph written by `node_table` and `edge_table`."""
    G = nx.DiGraph(**(graph or {}))
    for rec in nodes.to_dict("records"):
        attrs = {c: (rec[c] if isinstance(rec[c], str) else None) for c in _NODE_SCALARS}
        G.add_node(
            rec["id"],
            **attrs,
            stressors=json.loads(rec["stressors"]),
            stressor_sources=json.loads(rec["stressor_sources"]),
            stressor_uncertainty={k: Distribution.from_text(t)
                                  for k, t in json.loads(rec["stressor_uncertainty"]).items()},
            **json.loads(rec["extra"]),
        )
    for rec in edges.to_dict("records"):
        for end in ("supplier", "consumer"):
            if rec[end] not in G:
                raise InputError(f"edge refers to unknown node {rec[end]!r}", file=EDGES_FILE, column=end)
        uncertainty, extra = rec["uncertainty"], rec.get("extra")
        G.add_edge(rec["supplier"], rec["consumer"], amount=float(rec["amount"]), source=rec["source"],
                   uncertainty=Distribution.from_text(uncertainty) if isinstance(uncertainty, str) else None,
                   **(json.loads(extra) if isinstance(extra, str) else {}))
    return G


@contextmanager
def _atomic(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths for `targets`; all renamed into place only if the block succeeds."""
    temps: list[Path] = []
    with ExitStack() as stack:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent)
            os.close(fd)
            temps.append(Path(name))
            stack.callback(lambda p=Path(name): p.unlink(missing_ok=True))
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)


def write_parquet(G: nx.DiGraph, directory: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write nodes.parquet and edges.parquet into `directory`; returns their paths."""
    directory = Path(directory)
    targets = [directory / NODES_FILE, directory / EDGES_FILE]
    nodes = pa.Table.from_pandas(node_table(G), schema=_NODE_SCHEMA, preserve_index=False)
    nodes = nodes.replace_schema_metadata({**(nodes.schema.metadata or {}), _GRAPH_KEY: _dumps(G.graph).encode()})
    edges = pa.Table.from_pandas(edge_table(G), schema=_EDGE_SCHEMA, preserve_index=False)
    with _atomic(targets) as (node_tmp, edge_tmp):
        pq.write_table(nodes, node_tmp)
        pq.write_table(edges, edge_tmp)
    return targets[0], targets[1]


def read_parquet(directory: str | os.PathLike[str]) -> nx.DiGraph:
    """Read a network written by `write_parquet`."""
    directory = Path(directory)
    try:
        nodes = pq.read_table(directory / NODES_FILE)
        edges = pq.read_table(directory / EDGES_FILE)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"cannot read the network tables: {exc}", file=str(directory)) from None
    meta = (nodes.schema.metadata or {}).get(_GRAPH_KEY)
    graph = json.loads(meta) if meta else {}
    return graph_from_tables(nodes.to_pandas(), edges.to_pandas(), graph)


def write_graphml(G: nx.DiGraph, path: str | os.PathLike[str]) -> Path:
    """GraphML with flattened attributes (`stressors.overburden`, ...); None values left out."""
    flat = nx.DiGraph()
    flat.graph.update({k: v if isinstance(v, (str, int, float, bool)) else _dumps(v) for k, v in G.graph.items()})
    for nid, data in G.nodes(data=True):
        flat.add_node(nid, **_flatten(data))
    for u, v, data in G.edges(data=True):
        flat.add_edge(u, v, **_flatten(data))
    target = Path(path)
    with _atomic([target]) as (tmp,):
        nx.write_graphml(flat, tmp)
    return target


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, item in value.items():
                out[f"{key}.{sub}"] = item.to_text() if isinstance(item, Distribution) else item
        elif isinstance(value, Distribution):
            out[key] = value.to_text()
        elif value is not None:
            out[key] = value
    return out


def export_network(
    out: str | os.PathLike[str], fmt: str = "parquet", mines: Any = None, bom: Any = None, sourcing: Any = None
) -> dict[str, Any]:
    """Build and validate the default network, write it (`parquet`: nodes + edges; `graphml`); what was written."""
    from graphs.build import build_default_network
    from graphs.validate import validate

    G = build_default_network(mines, bom=bom, sourcing=sourcing)
    validate(G)
    if fmt == "parquet":
        written = write_set(out, lambda stage: write_parquet(G, stage))
    else:
        written = write_set(out, lambda stage: [write_graphml(G, stage / GRAPHML_FILE)])
    paths = [str(p) for p in written]
    return {"files": paths, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
