"""A network's vital statistics, for `tracer graph info` and for reports.

Why here and not in the CLI: the share of coefficients with a source, and how many
rest on a modelling assumption, are properties a test must be able to check.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from graphs.validate import ValidationReport

ASSUMPTION_MARK = "assumption:"


def summarise(G: nx.DiGraph, report: ValidationReport | None = None) -> dict[str, Any]:
    """Counts by kind and country, coefficient sourcing and (given a report) validation."""
    kinds = Counter(d.get("kind") for _, d in G.nodes(data=True))
    countries = sorted({d.get("country") for _, d in G.nodes(data=True) if d.get("country")})
    sources = [d.get("source", "") for _, _, d in G.edges(data=True)]
    for _, data in G.nodes(data=True):
        sources.extend(data.get("stressor_sources", {}).get(k, "") for k in data.get("stressors", {}))
    sourced = sum(1 for s in sources if s)
    summary: dict[str, Any] = {
        "name": G.graph.get("name"),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "nodes_by_kind": dict(sorted(kinds.items())),
        "countries": countries,
        "coefficients": len(sources),
        "coefficients_with_source": sourced,
        "share_with_source": sourced / len(sources) if sources else 1.0,
        "coefficients_citing_assumptions": sum(1 for s in sources if ASSUMPTION_MARK in s),
        "assumptions": len(G.graph.get("assumptions", {})),
        "boundary_nodes": sorted(n for n, d in G.nodes(data=True) if d.get("boundary")),
        "notes": list(G.graph.get("notes", [])),
    }
    if report is not None:
        summary["validation"] = {
            "errors": [str(f) for f in report.errors],
            "infos": [str(f) for f in report.infos],
            "cycles": report.cycles,
        }
    return summary


def network_info(mines: Any = None, bom: Any = None, sourcing: Any = None) -> dict[str, Any]:
    """Build the default network (from these inputs if given), check it, summarise it, time the build."""
    import time

    from graphs.build import build_default_network
    from graphs.validate import check

    start = time.perf_counter()
    G = build_default_network(mines, bom=bom, sourcing=sourcing)
    seconds = time.perf_counter() - start
    return summarise(G, check(G)) | {"build_seconds": round(seconds, 3)}
