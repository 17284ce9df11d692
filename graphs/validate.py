"""Checks that a network is one the engine can trust, with errors that name the node.

What is checked (each an error unless said otherwise):
- every node has a known kind and unit, an ISO3 (or region) country, and finite,
  non-negative stressors that each carry a source;
- every edge amount is finite and non-negative and has a source;
- dangling inputs: a node that only an edge created (no kind), and a processing,
  market, material, component or vehicle node with no inputs unless it is declared a
  `boundary` (its upstream deliberately untraced);
- material nodes do not feed material nodes, directly or through other nodes, so
  every mine-to-vehicle path crosses exactly one material node (docs/CONTRACTS.md);
- mass balance: a node whose output is in tonnes must not put out more than its
  tonne-inputs plus its declared `external_mass` (e.g. oxygen from air), within
  MASS_TOLERANCE; a market's input shares must sum to 1 within the same tolerance;
- cycles (recycling loops) are reported as information: allowed, the engine checks
  that the solve converges.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import pycountry

from graphs.model import Distribution
from hfcommon.countries import REGION_CODES
from hfcommon.errors import InputError
from hfcommon.vocabulary import KINDS, STRESSORS, UNITS

#: Relative slack of the mass and share checks: published shares and yields are rounded.
MASS_TOLERANCE = 0.01
#: Kinds that must have at least one input unless declared a boundary.
NEEDS_INPUTS: tuple[str, ...] = ("beneficiation", "smelting", "refining", "market", "material", "component",
                                 "vehicle", "recycling")
#: User-assigned ISO 3166 codes mine_db produces (Kosovo, via its alias table).
USER_ASSIGNED_CODES: frozenset[str] = frozenset({"XKX"})
#: How many cycles are listed in a report (they are counted in full up to MAX_CYCLES).
SHOWN_CYCLES = 5
MAX_CYCLES = 1000

Level = Literal["error", "info"]


@dataclass(frozen=True)
class Finding:
    """One problem (or note) found in a network."""

    level: Level
    check: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.where}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """Everything `check` found; `errors` make `validate` raise."""

    findings: tuple[Finding, ...]
    cycles: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def infos(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "info")

    @property
    def ok(self) -> bool:
        return not self.errors


def check(G: nx.DiGraph, tolerance: float = MASS_TOLERANCE) -> ValidationReport:
    """Run every check and collect the findings (never raises for bad data)."""
    findings: list[Finding] = []
    for nid, data in G.nodes(data=True):
        findings.extend(_node_findings(nid, data))
    for u, v, data in G.edges(data=True):
        findings.extend(_edge_findings(G, u, v, data))
    for nid, data in G.nodes(data=True):
        findings.extend(_input_findings(G, nid, data, tolerance))
    findings.extend(_material_path_findings(G))
    cycles = _cycles(G)
    if cycles:
        shown = "; ".join(" -> ".join(c) for c in cycles[:SHOWN_CYCLES])
        count = f"{len(cycles)}{'+' if len(cycles) >= MAX_CYCLES else ''}"
        findings.append(Finding("info", "cycle", "network", f"{count} cycle(s), allowed (recycling loops); "
                                                           f"the engine checks convergence: {shown}"))
    return ValidationReport(tuple(findings), len(cycles))


def validate(G: nx.DiGraph, tolerance: float = MASS_TOLERANCE) -> ValidationReport:
    """Raise `InputError` listing every error; return the report (with its infos) when clean."""
    report = check(G, tolerance)
    if report.errors:
        lines = "\n  ".join(str(f) for f in report.errors)
        raise InputError(f"the network has {len(report.errors)} error(s):\n  {lines}")
    return report


def _node_findings(nid: str, data: dict) -> list[Finding]:
    out: list[Finding] = []

    def err(check: str, message: str) -> None:
        out.append(Finding("error", check, nid, message))

    kind = data.get("kind")
    if kind is None:
        err("dangling", "node is referenced by an edge but never defined (no kind)")
        return out
    if kind not in KINDS:
        err("kind", f"unknown kind {kind!r}")
    if data.get("unit") not in UNITS:
        err("unit", f"unknown unit {data.get('unit')!r}")
    if not _known_country(data.get("country")):
        err("country", f"unknown country {data.get('country')!r} (ISO 3166 alpha-3 or {', '.join(REGION_CODES)})")
    stressors = data.get("stressors", {})
    sources = data.get("stressor_sources", {})
    for name, value in stressors.items():
        if name not in STRESSORS:
            err("stressor", f"unknown stressor {name!r}")
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            err("amount", f"stressor {name!r} is not finite ({value!r})")
        elif value < 0:
            err("amount", f"stressor {name!r} is negative ({value})")
        if not sources.get(name):
            err("source", f"stressor {name!r} has no source")
    for name, dist in data.get("stressor_uncertainty", {}).items():
        if not isinstance(dist, Distribution):
            err("uncertainty", f"uncertainty of {name!r} is not a Distribution")
    if kind in ("mine", "beneficiation") and not data.get("mine_id"):
        err("mine_id", f"{kind} node without mine_id")
    return out


def _edge_findings(G: nx.DiGraph, u: str, v: str, data: dict) -> list[Finding]:
    out: list[Finding] = []
    where = f"{u} -> {v}"
    amount = data.get("amount")
    if not isinstance(amount, (int, float)) or not math.isfinite(amount):
        out.append(Finding("error", "amount", where, f"amount is not a finite number ({amount!r})"))
    elif amount < 0:
        out.append(Finding("error", "amount", where, f"amount is negative ({amount})"))
    if not data.get("source"):
        out.append(Finding("error", "source", where, "edge has no source"))
    if data.get("uncertainty") is not None and not isinstance(data["uncertainty"], Distribution):
        out.append(Finding("error", "uncertainty", where, "uncertainty is not a Distribution"))
    return out


def _material_path_findings(G: nx.DiGraph) -> list[Finding]:
    """A path from one material node to another (direct or through non-materials) is an error.

    Paths stop at vehicles: what follows a vehicle (end of life, recycling) closes a
    loop, which is allowed, and is not a supply path.
    """
    materials = {n for n, d in G.nodes(data=True) if d.get("kind") == "material"}
    out = []
    for start in sorted(materials):
        seen: set[str] = set()
        stack = list(G.successors(start))
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in materials:
                out.append(Finding("error", "material", f"{start} -> {node}",
                                   "a material feeds another material; every mine-to-vehicle path must cross "
                                   "exactly one material node"))
                continue
            if G.nodes[node].get("kind") != "vehicle":
                stack.extend(G.successors(node))
    return out


def _input_findings(G: nx.DiGraph, nid: str, data: dict, tolerance: float) -> list[Finding]:
    kind = data.get("kind")
    preds = list(G.predecessors(nid))
    if kind in NEEDS_INPUTS and not preds and not data.get("boundary"):
        return [Finding("error", "dangling", nid, f"{kind} node has no inputs and is not declared a boundary")]
    if data.get("unit") != "t" or not preds:
        return []
    mass_in = math.fsum(
        G.edges[p, nid]["amount"] for p in preds
        if G.nodes[p].get("unit") == "t" and _finite(G.edges[p, nid].get("amount"))
    )
    if not any(G.nodes[p].get("unit") == "t" for p in preds):
        return []
    if kind == "market":
        if abs(mass_in - 1.0) > tolerance:
            return [Finding("error", "shares", nid, f"input shares sum to {mass_in:.6g}, not 1")]
        return []
    available = mass_in + float(data.get("external_mass", 0.0))
    if available * (1 + tolerance) < 1.0:
        return [Finding("error", "mass_balance", nid,
                        f"puts out 1 t from {mass_in:.6g} t of inputs"
                        f"{' + external ' + str(data['external_mass']) if data.get('external_mass') else ''}"
                        f" (tolerance {tolerance:.0%})")]
    return []


def _cycles(G: nx.DiGraph) -> list[list[str]]:
    return [list(c) for c in itertools.islice(nx.simple_cycles(G), MAX_CYCLES)]


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _known_country(code: object) -> bool:
    return isinstance(code, str) and (
        code in REGION_CODES or code in USER_ASSIGNED_CODES or pycountry.countries.get(alpha_3=code) is not None
    )
