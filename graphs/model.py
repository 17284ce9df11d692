"""Node and edge model of the supply-chain network (docs/CONTRACTS.md, graphs -> tracer).

Why a module of its own: every builder, the validator, the file formats and the
engine must agree on the same attribute names, kinds, units and stressors. They are
declared once here, and nodes and edges are only ever added through `add_node` and
`add_flow`, which refuse anything outside the contract.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from hfcommon.vocabulary import KINDS, STRESSORS, UNITS

#: Node attributes the contract names; anything else a builder adds is an extra.
CORE_NODE_ATTRS: tuple[str, ...] = (
    "kind",
    "name",
    "country",
    "unit",
    "commodity",
    "mine_id",
    "stressors",
    "stressor_sources",
    "stressor_uncertainty",
)

DistributionKind = Literal["uniform", "triangular", "normal", "lognormal"]
_N_PARAMS: Mapping[str, int] = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}
_SPEC = re.compile(r"^\s*([a-z]+)\s*\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class Distribution:
    """Uncertainty of one coefficient, in the coefficient's own unit.

    Parameters: uniform(low, high); triangular(low, mode, high); normal(mean, sd);
    lognormal(mu, sigma) of the underlying normal. Frozen and written as text
    (`triangular(0.9, 1.0, 1.1)`) so that files round-trip it exactly.
    """

    kind: DistributionKind
    params: tuple[float, ...]

    def __post_init__(self) -> None:
        if self.kind not in _N_PARAMS:
            raise ValueError(f"unknown distribution {self.kind!r}; use one of {', '.join(_N_PARAMS)}")
        params = tuple(float(p) for p in self.params)
        object.__setattr__(self, "params", params)
        if len(params) != _N_PARAMS[self.kind]:
            raise ValueError(f"{self.kind} takes {_N_PARAMS[self.kind]} parameters, got {len(params)}")
        if not all(math.isfinite(p) for p in params):
            raise ValueError(f"{self.kind} parameters must be finite, got {params}")
        if self.kind == "uniform" and not params[0] <= params[1]:
            raise ValueError(f"uniform needs low <= high, got {params}")
        if self.kind == "triangular" and not params[0] <= params[1] <= params[2]:
            raise ValueError(f"triangular needs low <= mode <= high, got {params}")
        if self.kind in ("normal", "lognormal") and params[1] < 0:
            raise ValueError(f"{self.kind} needs a non-negative spread, got {params}")

    def scaled(self, factor: float) -> Distribution:
        """The same relative uncertainty around a coefficient multiplied by `factor` (> 0).

        Needed wherever a coefficient changes unit (kg -> t) or is multiplied out,
        so that its distribution stays in the coefficient's own unit.
        """
        if not (factor > 0 and math.isfinite(factor)):
            raise ValueError(f"a distribution can only be scaled by a positive finite factor, got {factor}")
        if self.kind == "lognormal":
            return Distribution("lognormal", (self.params[0] + math.log(factor), self.params[1]))
        return Distribution(self.kind, tuple(p * factor for p in self.params))

    def to_text(self) -> str:
        """Deterministic text form; `repr` of each float keeps every bit."""
        return f"{self.kind}({', '.join(repr(p) for p in self.params)})"

    @classmethod
    def from_text(cls, text: str) -> Distribution:
        """Parse the form written by `to_text` (`ValueError` on anything else)."""
        match = _SPEC.match(text)
        if match is None:
            raise ValueError(f"cannot read distribution {text!r}; write e.g. 'triangular(0.9, 1, 1.1)'")
        kind, body = match.groups()
        try:
            params = tuple(float(p) for p in body.split(",")) if body.strip() else ()
        except ValueError:
            raise ValueError(f"cannot read the parameters of {text!r}") from None
        return cls(kind, params)  # type: ignore[arg-type]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw `size` values (for Monte Carlo)."""
        p = self.params
        if self.kind == "uniform":
            return rng.uniform(p[0], p[1], size)
        if self.kind == "triangular":
            if p[0] == p[2]:
                return np.full(size, p[1])
            return rng.triangular(p[0], p[1], p[2], size)
        if self.kind == "normal":
            return rng.normal(p[0], p[1], size)
        return rng.lognormal(p[0], p[1], size)


def node_id(kind: str, *parts: str) -> str:
    """Identifier `kind:part:part` (vehicles are named by their bare vehicle id)."""
    return ":".join((kind, *parts))


def add_node(
    G: nx.DiGraph,
    nid: str,
    *,
    kind: str,
    name: str,
    country: str,
    unit: str,
    commodity: str | None = None,
    mine_id: str | None = None,
    stressors: Mapping[str, float] | None = None,
    stressor_sources: Mapping[str, str] | None = None,
    stressor_uncertainty: Mapping[str, Distribution] | None = None,
    **extra: Any,
) -> None:
    """Add one node with the contract's attributes; refuses duplicates and unknown names.

    Every stressor needs a source text, and no uncertainty may refer to a stressor
    the node does not have.
    """
    if nid in G:
        raise ValueError(f"node {nid!r} is added twice")
    if kind not in KINDS:
        raise ValueError(f"node {nid!r}: unknown kind {kind!r}")
    if unit not in UNITS:
        raise ValueError(f"node {nid!r}: unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    stressors = {k: float(v) for k, v in (stressors or {}).items()}
    sources = dict(stressor_sources or {})
    uncertainty = dict(stressor_uncertainty or {})
    for key in stressors:
        if key not in STRESSORS:
            raise ValueError(f"node {nid!r}: unknown stressor {key!r}")
        if not sources.get(key):
            raise ValueError(f"node {nid!r}: stressor {key!r} has no source")
    for key in (*sources, *uncertainty):
        if key not in stressors:
            raise ValueError(f"node {nid!r}: source or uncertainty for absent stressor {key!r}")
    G.add_node(
        nid,
        kind=kind,
        name=name,
        country=country,
        unit=unit,
        commodity=commodity,
        mine_id=mine_id,
        stressors=stressors,
        stressor_sources=sources,
        stressor_uncertainty=uncertainty,
        **extra,
    )


def add_flow(
    G: nx.DiGraph,
    supplier: str,
    consumer: str,
    amount: float,
    source: str,
    uncertainty: Distribution | None = None,
    **attrs: Any,
) -> None:
    """Add the edge supplier -> consumer: `amount` supplier units per consumer unit.

    Both nodes must exist already (an edge never creates a node silently), and an
    edge is added once: two rows for the same pair are a data error, not a sum.
    `attrs` are further edge attributes (e.g. graphs.fuels' basis), kept by graphs.io.
    """
    for nid in (supplier, consumer):
        if nid not in G:
            raise ValueError(f"flow {supplier!r} -> {consumer!r}: node {nid!r} does not exist")
    if G.has_edge(supplier, consumer):
        raise ValueError(f"flow {supplier!r} -> {consumer!r} is added twice")
    if not source:
        raise ValueError(f"flow {supplier!r} -> {consumer!r} has no source")
    G.add_edge(supplier, consumer, amount=float(amount), source=source, uncertainty=uncertainty, **attrs)
