"""Named, sourced coefficients, and the tables' formulas over them (language: `graphs.formula`).

Why formulas: most coefficients of the chain are *derived* from published numbers
(1 / recovery, ore per tonne from a grade, coal per GJ from a plant's coal rate).
Writing the formula in the table, over named parameters that each carry a source,
keeps the arithmetic visible and lets a user change one published number in one
place. Parameters come from two tables: `parameters.csv` (sourced or derived) and the
`network` rows of the one table of modelling assumptions (hfcommon/data/assumptions.csv),
each with its reason and range.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from graphs.formula import Evaluated, evaluate_formula, formula_names, parsed
from graphs.model import Distribution
from graphs.tables import Row, bundled, read_rows
from hfcommon import assumptions as assumption_table
from hfcommon.errors import InputError

STATUSES: tuple[str, ...] = ("sourced", "derived", "assumption")


@dataclass(frozen=True)
class Parameter:
    """One coefficient: its value, unit, status, source and (optional) uncertainty."""

    name: str
    value: float
    unit: str
    status: str
    source: str
    expression: str
    reason: str = ""
    uncertainty: Distribution | None = None

    def describe(self) -> str:
        """`name = value unit (source)`: the text an edge cites for it."""
        basis = self.reason if self.status == "assumption" else self.source
        tag = "assumption: " if self.status == "assumption" else ""
        return f"{self.name} = {self.value:.6g} {self.unit} ({tag}{basis})"




class Parameters(Mapping[str, Parameter]):
    """Read-only registry of parameters by name, and the formula evaluator."""

    def __init__(self, params: Mapping[str, Parameter]) -> None:
        """`params` in definition order: every parameter after those its formula uses."""
        self._params = dict(params)
        self._formulas = {n: parsed(p.expression) for n, p in self._params.items()}
        self._nominal = {n: p.value for n, p in self._params.items()}
        self._dependencies = {n: f.dependencies for n, f in self._formulas.items()}
        self._reached: dict[frozenset[str], tuple[str, ...]] = {}

    def __getitem__(self, name: str) -> Parameter:
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def extended(self, extra: Mapping[str, Parameter]) -> Parameters:
        """A registry with `extra` parameters added (constants; a name clash is an error)."""
        clash = sorted(set(extra) & set(self._params))
        if clash:
            raise InputError(f"parameter(s) {', '.join(clash)} defined twice")
        return Parameters({**self._params, **extra})

    def value(self, name: str) -> float:
        """The value of one parameter."""
        return self._params[name].value

    def evaluate(self, expression: str, row: Row, column: str) -> Evaluated:
        """Evaluate `expression` (numbers, parameter names, + - * / ** and brackets)."""
        return evaluate_formula(expression, self._nominal, row, column)

    def cite(self, evaluated: Evaluated, expression: str) -> str:
        """Source text for a derived coefficient: its formula and each parameter's source."""
        if not evaluated.names:
            return ""
        parts = "; ".join(self._params[n].describe() for n in evaluated.names)
        if expression.strip() in evaluated.names:
            return parts
        return f"= {expression.strip()}, with {parts}"

    def uncertainty_of(self, expression: str, row: Row, column: str) -> Distribution | None:
        """The uncertainty of a formula, propagated from the uncertain parameters behind it.

        A formula that is exactly one parameter inherits that parameter's distribution.
        Otherwise every uncertain (uniform or triangular) parameter it depends on,
        directly or through derived parameters, is set to its low and high end in
        every combination; the formula's extremes over those corners and its nominal
        value give a triangular(low, nominal, high). This is a first-order, deliberately
        wide range (corners assume the inputs move together); normal and lognormal
        parameters are not propagated.
        """
        param = self._params.get(expression.strip())
        if param is not None and param.uncertainty is not None:
            return param.uncertainty
        roots = self._uncertain_roots(expression, row, column)
        if not roots:
            return None
        nominal = self.evaluate(expression, row, column).value
        values = [nominal]
        for corner in itertools.product(*[_bounds(self._params[r].uncertainty) for r in roots]):
            changed = self._values_with(dict(zip(roots, corner, strict=True)))
            values.append(evaluate_formula(expression, changed, row, column).value)
        low, high = min(values), max(values)
        if high - low <= 1e-12 * max(1.0, abs(nominal)):
            return None
        return Distribution("triangular", (low, nominal, high))

    def _uncertain_roots(self, expression: str, row: Row, column: str) -> list[str]:
        """Uncertain uniform/triangular parameters a formula depends on, in definition order."""
        pending, found = list(formula_names(expression, row, column)), set()
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen or name not in self._params:
                continue
            seen.add(name)
            param = self._params[name]
            dist = param.uncertainty
            if dist is not None and dist.kind in ("uniform", "triangular"):
                found.add(name)
            else:
                pending.extend(self._dependencies.get(name, ()))
        return [n for n in self._params if n in found]

    def _values_with(self, changes: Mapping[str, float]) -> dict[str, float]:
        """All parameter values with `changes` applied and the derived parameters they reach recomputed.

        Why only those: a formula's corners change a handful of roots, and recomputing
        every derived parameter for every corner dominated building the default network.
        The others keep the values of the same recomputation without changes.
        """
        values = dict(self._recomputed)
        values.update(changes)
        for name in self._reached_by(frozenset(changes)):
            values[name] = self._formulas[name].evaluate(values)
        return values

    def _reached_by(self, roots: frozenset[str]) -> tuple[str, ...]:
        """Derived parameters that depend on `roots`, directly or not, in definition order (cached)."""
        if roots not in self._reached:
            changed, reached = set(roots), []
            for name in self._params:
                if name not in roots and changed.intersection(self._dependencies.get(name, ())):
                    reached.append(name)
                    changed.add(name)
            self._reached[roots] = tuple(reached)
        return self._reached[roots]

    @functools.cached_property
    def _recomputed(self) -> dict[str, float]:
        """Every parameter's value, derived ones recomputed from their formulas in definition order."""
        values: dict[str, float] = {}
        for name, param in self._params.items():
            deps = self._dependencies.get(name)
            values[name] = self._formulas[name].evaluate(values) if deps else param.value
        return values

    def assumptions(self) -> list[Parameter]:
        """The modelling assumptions, for reporting next to results."""
        return [p for p in self._params.values() if p.status == "assumption"]


def load_parameters(
    parameters: str | Path | None = None,
    assumptions: str | Path | None = None,
    extra: Mapping[str, Parameter] | None = None,
    overrides: Mapping[str, float] | None = None,
) -> Parameters:
    """Read the parameter and assumption tables (bundled by default) and evaluate them.

    `extra` adds parameters defined in code (the commodity registry of mine_db);
    `overrides` replaces values by name, e.g. for a sensitivity run; an override of
    an unknown name is an error, so a typo cannot pass silently.
    """
    rows: list[tuple[Row, str, _Columns]] = []
    for row in read_rows(parameters or bundled("parameters.csv"), ("name", "value", "unit", "status")):
        status = row.text("status")
        if status not in ("sourced", "derived"):
            raise row.error("status", f"{status!r} must be 'sourced' or 'derived' (assumptions go in "
                                      f"{assumption_table.TABLE})")
        rows.append((row, status, _PARAMETER_COLUMNS))
    rows.extend((row, "assumption", _ASSUMPTION_COLUMNS) for row in _network_assumptions(assumptions))
    known: dict[str, Parameter] = dict(extra or {})
    pending: dict[str, tuple[Row, str, _Columns]] = {}
    for row, status, columns in rows:
        name = row.text(columns.name)
        if not name.isidentifier():
            raise row.error(columns.name, f"{name!r} is not a valid name (letters, digits, underscores)")
        if name in known or name in pending:
            raise row.error(columns.name, f"parameter {name!r} is defined twice")
        pending[name] = (row, status, columns)
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(pending) - set(known))
    if unknown:
        raise InputError(f"override of unknown parameter(s): {', '.join(unknown)}")
    for name in list(known):
        if name in overrides:
            known[name] = _replace_value(known[name], overrides[name])
    values = {k: p.value for k, p in known.items()}
    while pending:
        progressed = False
        for name, (row, status, columns) in list(pending.items()):
            expression = row.text("value")
            if name in overrides:
                expression = repr(float(overrides[name]))
            needed = formula_names(expression, row, "value") - set(known)
            if needed - set(pending):
                raise row.error("value", f"unknown parameter(s) {', '.join(sorted(needed - set(pending)))}")
            if needed:
                continue
            value = evaluate_formula(expression, values, row, "value").value
            if value < 0:
                raise row.error("value", f"{value} is negative")
            known[name] = Parameter(
                name=name,
                value=value,
                unit=row.text("unit"),
                status=status,
                source=row.text("source"),
                expression=expression,
                reason=row.text("reason", required=False),
                uncertainty=row.distribution(columns.uncertainty),
            )
            values[name] = value
            del pending[name]
            progressed = True
        if not progressed:
            row = next(iter(pending.values()))[0]
            raise row.error("value", f"circular definition among {', '.join(sorted(pending))}")
    return Parameters(known)


@dataclass(frozen=True)
class _Columns:
    """Where a parameter table keeps the name and the uncertainty of a row."""

    name: str
    uncertainty: str


_PARAMETER_COLUMNS = _Columns("name", "uncertainty")
_ASSUMPTION_COLUMNS = _Columns("id", "range")


def _network_assumptions(path: str | Path | None) -> list[Row]:
    """The `network` rows of the one assumptions table (validated whole first), each with its reason and source."""
    path = path or assumption_table.bundled()
    assumption_table.load_assumptions(path)
    rows = read_rows(path, ("id", "scope", "value", "unit", "reason"), require_source=False,
                     optional=("parameter", "range"))
    label = assumption_table.TABLE if Path(path) == assumption_table.bundled() else None
    network = [Row(label or row.file, row.row, row.cells) for row in rows if row.text("scope") == "network"]
    for row in network:
        row.text("source")
    return network


def _replace_value(param: Parameter, value: float) -> Parameter:
    return Parameter(param.name, float(value), param.unit, param.status, param.source, repr(float(value)),
                     param.reason, param.uncertainty)


def _bounds(dist: Distribution | None) -> tuple[float, float]:
    """Low and high end of a uniform or triangular distribution."""
    assert dist is not None
    return dist.params[0], dist.params[-1]
