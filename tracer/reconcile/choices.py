"""Alternative choices: what the result would be had one modelling choice been made differently.

Why beside the boundary elements: a study of the same scope may count the same network
differently (allocation of polymetallic ore, site data or generic coefficients, a
fabrication yield), and those choices move the total as much as a missing element.
Each is declared (`tracer/data/reconcile/choices.csv`), never coded: the bundled network
is rebuilt with that one choice changed (mine table, one parameter at an end of its own
range, or one rest-of-country split by mining method at an end of its assumption's range),
the scenario's levers applied on top, and traced with the same fleet. Choices are
alternatives, not parts: they are never summed into the waterfall.

Speed: an alternative mine table costs a mine_db build (about half a second per table), so
the tables are built once per process (`mine_table`) and each choice costs one network
build and one solve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import pandas as pd
from pydantic import BaseModel, ValidationError

from graphs.tables import Row, read_rows
from hfcommon.errors import InputError, RequiredText

if TYPE_CHECKING:
    from mine_db.rest_of_country import MethodSplits

COLUMNS = ("choice", "label", "changes", "why")
OPTIONAL = ("allocation", "site_data", "parameter", "rest_split", "assumption", "end")
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
    rest_split: str = ""
    assumption: str = ""
    end: Literal["", "low", "high"] = ""

    @property
    def split_key(self) -> str | tuple[str, str]:
        """`rest_split` as a key of mine_db's REST_METHOD_SPLIT: `zinc`, or `CHN:copper` -> ("CHN", "copper")."""
        country, _, commodity = self.rest_split.rpartition(":")
        return (country, commodity) if country else commodity


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
        _check_ends(row, choice, params)
        choices.append(choice)
    if not choices:
        raise InputError("no choice declared", file=str(path or bundled_choices_file()))
    return tuple(choices)


def _check_ends(row: Row, choice: Choice, params: Mapping[str, Any]) -> None:
    """A choice changes something; `end` goes with one parameter or one rest split and its assumption."""
    if (choice.allocation, choice.site_data, choice.parameter, choice.rest_split) == ("value", "own", "", ""):
        raise row.error("choice", f"{choice.name!r} changes nothing: set allocation, site_data, parameter or rest split")
    if choice.parameter and choice.rest_split:
        raise row.error("rest_split", "one choice takes the end of one range: a parameter or a rest split, not both")
    if bool(choice.rest_split) != bool(choice.assumption):
        raise row.error("assumption" if choice.rest_split else "rest_split", "rest_split and assumption go together")
    if bool(choice.parameter or choice.rest_split) != bool(choice.end):
        column = "end" if choice.end == "" else "parameter"
        raise row.error(column, "parameter or rest_split and end go together")
    try:
        if choice.parameter:
            _range_end(params, choice)
        if choice.rest_split:
            split_end(choice)
    except ValueError as exc:
        raise row.error("parameter" if choice.parameter else "rest_split", str(exc)) from None


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


def split_end(choice: Choice) -> tuple[str | tuple[str, str], float]:
    """(REST_METHOD_SPLIT key, underground share of the rest's ore) at the choice's end of its assumption's range.

    The range of A40 and A41 is the underground share of the ore (hfcommon/data/assumptions.csv),
    so an end is one open-pit and one underground row: A40's ends count the zinc mines worked
    both ways as open pit (0.62) or underground (0.78), as the assumption's range says.
    ValueError where the split, the assumption or its range does not fit.
    """
    from hfcommon.assumptions import TABLE, load_assumptions
    from mine_db.rest_of_country import REST_METHOD_SPLIT

    key = choice.split_key
    if key not in REST_METHOD_SPLIT:
        known = ", ".join(k if isinstance(k, str) else ":".join(k) for k in REST_METHOD_SPLIT)
        raise ValueError(f"{choice.rest_split!r} is not a rest-of-country split of mine_db (one of {known})")
    assumption = load_assumptions().get(choice.assumption)
    if assumption is None or assumption.scope != "mine_db":
        raise ValueError(f"{choice.assumption!r} is not a mine_db assumption of {TABLE}")
    if f"assumption {assumption.id}" not in REST_METHOD_SPLIT[key].where:
        raise ValueError(f"the {choice.rest_split} split rests on another assumption than {assumption.id}")
    bounds = assumption.bounds
    if bounds is None or not 0 < bounds[0] <= bounds[1] < 1:
        raise ValueError(f"{assumption.id} has no 'low to high' range of a share strictly between 0 and 1")
    return key, bounds[0] if choice.end == "low" else bounds[1]


def method_split(key: str | tuple[str, str], underground: float, why: str) -> MethodSplits:
    """REST_METHOD_SPLIT with `key`'s rest as one open-pit and one underground part, `underground` of the ore."""
    from mine_db.rest_of_country import REST_METHOD_SPLIT, MethodSplit

    split = MethodSplit(shares=(("open_pit", 1 - underground), ("underground", underground)), basis="ore", where=why)
    return {**REST_METHOD_SPLIT, key: split}


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
def _standalone(site_data: bool, split: tuple[str | tuple[str, str], float] | None) -> pd.DataFrame:
    from mine_db.default import build_standalone

    if split is None:
        return build_standalone(site_data)[0]
    return build_standalone(site_data, method_split(*split, why="a range end of its assumption (tracer reconcile)"))[0]


@lru_cache(maxsize=8)
def mine_table(allocation: str, site_data: bool,
               split: tuple[str | tuple[str, str], float] | None = None) -> pd.DataFrame:
    """The default mine table built with one allocation, site-data and rest-split choice, once per process.

    `split`: (REST_METHOD_SPLIT key, underground share) of `split_end`, or None for the declared splits.
    Callers get the cached frame: it must not be changed (the network build only reads it).
    """
    from mine_db.default import allocated, load_default

    if allocation == "value" and site_data and split is None:
        return load_default()
    standalone = _standalone(site_data, split)
    return standalone if allocation == NONE else allocated(standalone.copy(), allocation)


def choice_mines(choice: Choice) -> pd.DataFrame:
    """The mine table this choice traces (`mine_table`)."""
    return mine_table(choice.allocation, choice.site_data == "own", split_end(choice) if choice.rest_split else None)


def setting(choice: Choice, params: Mapping[str, Any] | None = None) -> str:
    """What the choice sets, with the value it takes (`steel_fabrication_yield = 0.6, default 0.74`)."""
    if choice.parameter:
        from graphs.build import default_parameters

        params = default_parameters() if params is None else params
        default = params[choice.parameter].value
        return f"{choice.parameter} = {_range_end(params, choice):g} (range {choice.end}; default {default:g})"
    if choice.rest_split:
        return _split_setting(choice)
    parts = [f"allocation = {choice.allocation}"] if choice.allocation != "value" else []
    parts += ["site data: gap-fill only"] if choice.site_data == "fill" else []
    return "; ".join(parts) or "as the default"


def _split_setting(choice: Choice) -> str:
    """`CHN:copper rest: underground 0.71, open pit 0.29 (A41 range high; default open pit 0.58, underground 0.42)`."""
    from mine_db.rest_of_country import REST_METHOD_SPLIT

    key, underground = split_end(choice)
    split = REST_METHOD_SPLIT[key]
    default = ", ".join(f"{method.replace('_', ' ')} {share:g}" for method, share in split.shares)
    return (f"{choice.rest_split} rest: underground {underground:g}, open pit {1 - underground:g} of the ore "
            f"({choice.assumption} range {choice.end}; default {default} of the {split.basis})")


def choice_network(choice: Choice, levers: Callable[[nx.DiGraph], nx.DiGraph] | None = None) -> nx.DiGraph:
    """The bundled network rebuilt with this one choice changed, then `levers` (a scenario's) applied."""
    from graphs.build import build_default_network, default_parameters

    try:
        overrides = {choice.parameter: _range_end(default_parameters(), choice)} if choice.parameter else None
        mines = choice_mines(choice)
    except ValueError as exc:
        raise InputError(f"choice {choice.name!r}: {exc}", column="parameter" if choice.parameter else "rest_split"
                         ) from None
    graph = build_default_network(mines, overrides=overrides)
    return graph if levers is None else levers(graph)


def choice_table(choices: Sequence[Choice], base: Any, levers: Callable[[nx.DiGraph], nx.DiGraph] | None = None,
                 on_step: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per choice: what it sets, its figures (`FIGURES`) and their change against the default run `base`.

    `on_step(name)` is told as each choice begins (a rest split rebuilds the mine table first).
    """
    from tracer import api

    rows = []
    for choice in choices:
        if on_step is not None:
            on_step(f"choice: {choice.label}")
        summary = api.run(fleet=base.fleet, home=base.summary["home"], network=choice_network(choice, levers)).summary
        row: dict[str, Any] = {"choice": choice.name, "label": choice.label, "setting": setting(choice)}
        row.update({key: float(summary[key]) for key in FIGURES})
        row.update({f"delta_{key}": float(summary[key]) - float(base.summary[key]) for key in FIGURES})
        row.update(changes=choice.changes, why=choice.why)
        rows.append(row)
    columns = ["choice", "label", "setting", *FIGURES, *(f"delta_{k}" for k in FIGURES), "changes", "why"]
    return pd.DataFrame(rows, columns=columns)
