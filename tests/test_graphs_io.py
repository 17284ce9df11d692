"""Parquet round trip (exact), determinism, atomic writes and GraphML export."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import graphs
from graphs.io import EDGES_FILE, NODES_FILE, edge_table, node_table
from graphs.model import Distribution, add_flow, add_node
from hfcommon.errors import InputError


def _small() -> nx.DiGraph:
    G = nx.DiGraph(name="small", notes=["one"], assumptions={"a": {"value": 0.1, "unit": "t", "reason": "r"}})
    add_node(G, "mine:m", kind="mine", name="M", country="CHL", unit="t", commodity="copper", mine_id="m",
             stressors={"overburden": 0.1 + 0.2, "waste_rock": 1 / 3},
             stressor_sources={"overburden": "s1", "waste_rock": "s2"},
             stressor_uncertainty={"overburden": Distribution("triangular", (0.1, 0.1 + 0.2, 1.0))},
             grade=0.00651, year=2019, boundary=False)
    add_node(G, "BEV", kind="vehicle", name="BEV", country="CHN", unit="vehicle")
    add_flow(G, "mine:m", "BEV", 2 / 7, "s3", Distribution("lognormal", (-1.5, 0.25)))
    return G


def _same(G: nx.DiGraph, H: nx.DiGraph) -> None:
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    assert {(u, v): d for u, v, d in G.edges(data=True)} == {(u, v): d for u, v, d in H.edges(data=True)}
    assert G.graph == H.graph


def test_parquet_round_trip_is_exact(tmp_path: Path) -> None:
    G = _small()
    graphs.write_parquet(G, tmp_path)
    H = graphs.read_parquet(tmp_path)
    _same(G, H)
    assert H.edges["mine:m", "BEV"]["amount"] == 2 / 7
    assert H.nodes["mine:m"]["stressors"]["overburden"] == 0.1 + 0.2
    assert isinstance(H.nodes["mine:m"]["year"], int)


def test_default_network_round_trips_exactly(tmp_path: Path) -> None:
    G = graphs.build_default_network()
    graphs.write_parquet(G, tmp_path)
    _same(G, graphs.read_parquet(tmp_path))


def test_tables_are_deterministic() -> None:
    pd.testing.assert_frame_equal(node_table(_small()), node_table(_small()))
    pd.testing.assert_frame_equal(edge_table(_small()), edge_table(_small()))


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    G = _small()
    G.nodes["BEV"]["weird"] = object()
    with pytest.raises(TypeError):
        graphs.write_parquet(G, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_reading_a_missing_or_broken_network(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        graphs.read_parquet(tmp_path)
    graphs.write_parquet(_small(), tmp_path)
    edges = pd.read_parquet(tmp_path / EDGES_FILE)
    edges.loc[0, "supplier"] = "nowhere"
    edges.to_parquet(tmp_path / EDGES_FILE)
    with pytest.raises(InputError, match="unknown node 'nowhere'"):
        graphs.read_parquet(tmp_path)
    assert (tmp_path / NODES_FILE).exists()


def test_graphml_flattens_dicts(tmp_path: Path) -> None:
    path = graphs.write_graphml(_small(), tmp_path / "g.graphml")
    H = nx.read_graphml(path)
    mine = H.nodes["mine:m"]
    assert mine["stressors.overburden"] == pytest.approx(0.1 + 0.2)
    assert mine["stressor_sources.waste_rock"] == "s2"
    assert mine["stressor_uncertainty.overburden"].startswith("triangular(")
    assert "commodity" not in H.nodes["BEV"]
    assert H.edges["mine:m", "BEV"]["uncertainty"] == "lognormal(-1.5, 0.25)"


def test_edge_extras_round_trip_and_tables_without_them_still_read(tmp_path: Path) -> None:
    """An edge's extra attribute (a fuel edge's `basis`) survives the round trip; an older edges.parquet
    without the `extra` column reads with no extras."""
    G = _small()
    G.edges["mine:m", "BEV"]["basis"] = "moved"
    graphs.write_parquet(G, tmp_path)
    _same(G, graphs.read_parquet(tmp_path))
    edges = pd.read_parquet(tmp_path / EDGES_FILE)
    assert edges.loc[0, "extra"] == '{"basis": "moved"}'
    edges.drop(columns="extra").to_parquet(tmp_path / EDGES_FILE)
    assert "basis" not in graphs.read_parquet(tmp_path).edges["mine:m", "BEV"]
