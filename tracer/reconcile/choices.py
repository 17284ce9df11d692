"""Alternative choices: what the result would be had one modelling choice been made differently.

Why beside the boundary elements: a study of the same scope may count the same network
differently (allocation of polymetallic ore, site data or generic coefficients, a
fabrication yield), and those choices move the total as much as a missing element.
Each is declared (`tracer/data/reconcile/choices.csv`), never coded: the bundled network
is rebuilt with that one choice changed (mine table and/or one parameter at an end of its
own range), the scenario's levers applied on top, and traced with the same fleet. Choices
are alternatives, not parts: they are never summed into the waterfall.

Speed: an alternative mine table costs a mine_db build (about half a second per table), so
the tables are built once per process (`mine_table`) and each choice costs one network
build and one solve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import pandas as pd
from pydantic import BaseModel, ValidationError

from graphs.tables import Row, read_rows
from hfcommon.errors import InputError, RequiredText

COLUMNS = ("choice", "label", "changes", "why")
OPTIONAL = ("allocation", "site_data", "parameter", "end")
#: The summary figures measured for each choice (as the elements are).
FIGURES = ("hidden_t", "total_tmr_t", "domestic_hidden_t", "abroad_hidden_t")
NONE = "none"
"""`--choice none`: measure no choice."""

Allocation = Literal["value", "mass", "none"]


class Choice(BaseModel, frozen=True):
    """One declared alternative: what it changes and why a study might choose it."""

    name: RequiredText
    label: RequiredText
    changes: RequiredText
    why: RequiredText
    allocation: Allocation = "value"
    site_data: Literal["own", "fill"] = "own"
    parameter: str = ""
    end: Literal["", "low", "high"] = ""

    @property
    def mines(self) -> tuple[str, bool]:
        """The mine table this choice traces: (allocation, own site data?)."""
        return self.allocation, self.site_data == "own"


def bundled_choices_file() -> Path:
    return Path(str(resources.files("tracer") / "data" / "reconcile" / "choices.csv"))


def load_choices(path: str | Path | None = None) -> tuple[Choice, ...]:
    """The declared choices, in file order, each checked (parameter and range included)."""
    from graphs.build import default_parameters

    params = default_parameters()
    choices: list[Choice] = []
    for row in read_rows(path or bundled_choices_file(), COLUMNS, require_source=False, optional=OPTIONAL):
        choice = _validated(row)
        if choice.name == NONE or any(c.name == choice.name for c in choices):
            raise row.error("choice", f"{choice.name!r} is declared twice" if choice.name != NONE
                            else f"{NONE!r} is reserved (--choice {NONE} measures no choice)")
        if (choice.allocation, choice.site_data, choice.parameter) == ("value", "own", ""):
            raise row.error("choice", f"{choice.name!r} changes nothing: set allocation, site_data or parameter")
        if bool(choice.parameter) != bool(choice.end):
            raise row.error("end" if choice.parameter else "parameter", "parameter and end go together")
        if choice.parameter:
            try:
                _range_end(params, choice)
            except ValueError as exc:
                raise row.error("parameter", str(exc)) from None
        choices.append(choice)
    if not choices:
        raise InputError("no choice declared", file=str(path or bundled_choices_file()))
    return tuple(choices)


def _validated(row: Row) -> Choice:
    cells = {"name": row.text("choice", required=False), "label": row.text("label", required=False),
             "changes": row.text("changes", required=False), "why": row.text("why", required=False),
             **{key: row.text(key, required=False) for key in OPTIONAL if row.text(key, required=False)}}
    try:
        return Choice.model_validate(cells)
    except ValidationError as exc:
        error = exc.errors()[0]
        column = {"name": "choice"}.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else None
        raise row.error(column, error["msg"].removeprefix("Value error, ")) from None


def _range_end(params: Mapping[str, Any], choice: Choice) -> float:
    """The parameter's value at the choice's end of its own uniform or triangular range (ValueError if none)."""
    param = params.get(choice.parameter)
    if param is None:
        raise ValueError(f"{choice.parameter!r} is not a parameter of the default network")
    dist = param.uncertainty
    if dist is None or dist.kind not in ("uniform", "triangular"):
        raise ValueError(f"{choice.parameter!r} has no uniform or triangular range to take an end of")
    return float(dist.params[0] if choice.end == "low" else dist.params[-1])


def select(choices: Sequence[Choice], names: Sequence[str]) -> tuple[Choice, ...]:
    """The named choices (all when `names` is empty, none for `none`); an unknown name is an error."""
    if not names:
        return tuple(choices)
    if list(names) == [NONE]:
        return ()
    known = {c.name: c for c in choices}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(f"unknown choice {unknown[0]!r}; use one of {', '.join(known)} (or {NONE})",
                         column="--choice")
    return tuple(known[n] for n in dict.fromkeys(names))


@lru_cache(maxsize=8)
def _standalone(site_data: bool) -> pd.DataFrame:
    from mine_db.default import build_standalone

    return build_standalone(site_data)[0]


@lru_cache(maxsize=8)
def mine_table(allocation: str, site_data: bool) -> pd.DataFrame:
    """The default mine table built with one allocation and site-data choice, once per process.

    Callers get the cached frame: it must not be changed (the network build only reads it).
    """
    from mine_db.default import allocated, load_default

    if allocation == "value" and site_data:
        return load_default()
    standalone = _standalone(site_data)
    return standalone if allocation == NONE else allocated(standalone.copy(), allocation)


def setting(choice: Choice, params: Mapping[str, Any] | None = None) -> str:
    """What the choice sets, with the value it takes (`steel_fabrication_yield = 0.6, default 0.74`)."""
    if choice.parameter:
        from graphs.build import default_parameters

        params = default_parameters() if params is None else params
        default = params[choice.parameter].value
        return f"{choice.parameter} = {_range_end(params, choice):g} (range {choice.end}; default {default:g})"
    parts = [f"allocation = {choice.allocation}"] if choice.allocation != "value" else []
    parts += ["site data: gap-fill only"] if choice.site_data == "fill" else []
    return "; ".join(parts) or "as the default"


def choice_network(choice: Choice, levers: Callable[[nx.DiGraph], nx.DiGraph] | None = None) -> nx.DiGraph:
    """The bundled network rebuilt with this one choice changed, then `levers` (a scenario's) applied."""
    from graphs.build import build_default_network, default_parameters

    try:
        overrides = {choice.parameter: _range_end(default_parameters(), choice)} if choice.parameter else None
    except ValueError as exc:
        raise InputError(f"choice {choice.name!r}: {exc}", column="parameter") from None
    graph = build_default_network(mine_table(*choice.mines), overrides=overrides)
    return graph if levers is None else levers(graph)


def choice_table(choices: Sequence[Choice], base: Any, levers: Callable[[nx.DiGraph], nx.DiGraph] | None = None,
                 ) -> pd.DataFrame:
    """One row per choice: what it sets, its figures (`FIGURES`) and their change against the default run `base`."""
    from tracer import api

    rows = []
    for choice in choices:
        summary = api.run(fleet=base.fleet, home=base.summary["home"], network=choice_network(choice, levers)).summary
        row: dict[str, Any] = {"choice": choice.name, "label": choice.label, "setting": setting(choice)}
        row.update({key: float(summary[key]) for key in FIGURES})
        row.update({f"delta_{key}": float(summary[key]) - float(base.summary[key]) for key in FIGURES})
        row.update(changes=choice.changes, why=choice.why)
        rows.append(row)
    columns = ["choice", "label", "setting", *FIGURES, *(f"delta_{k}" for k in FIGURES), "changes", "why"]
    return pd.DataFrame(rows, columns=columns)
