"""Tables, parameters and formulas: numbers by hand, and bad input located to the cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.model import Distribution
from graphs.parameters import load_parameters
from graphs.tables import read_rows
from hfcommon.errors import InputError

HEADER_P = "name,value,unit,status,source,uncertainty\n"
HEADER_A = "id,scope,parameter,value,unit,range,reason,source\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _params(tmp_path: Path, params: str, assumptions: str = "", **kw):
    return load_parameters(_write(tmp_path, "p.csv", HEADER_P + params),
                           _write(tmp_path, "a.csv", HEADER_A + assumptions), **kw)


def test_formulas_are_evaluated_in_dependency_order(tmp_path: Path) -> None:
    p = _params(
        tmp_path,
        "c,1 / (a * b) - 1,t/t,derived,formula,\n"
        "a,0.5,share,sourced,paper A,\"uniform(0.4, 0.6)\"\n",
        "b,network,b,0.25,share,,no data,none\n",
    )
    assert p.value("c") == pytest.approx(7.0)
    assert p["a"].uncertainty == Distribution("uniform", (0.4, 0.6))
    assert [q.name for q in p.assumptions()] == ["b"]
    assert "assumption: no data" in p["b"].describe()


def test_cite_lists_every_parameter_of_a_formula(tmp_path: Path) -> None:
    p = _params(tmp_path, "a,2,t,sourced,paper A,\nb,4,t,sourced,paper B,\n")
    row = read_rows(_write(tmp_path, "x.csv", "amount,source\na / b,text\n"), ("amount",))[0]
    evaluated = p.evaluate("a / b", row, "amount")
    assert evaluated.value == 0.5
    cited = p.cite(evaluated, "a / b")
    assert cited.startswith("= a / b, with a = 2 t (paper A); b = 4 t (paper B)")
    assert p.cite(p.evaluate("a", row, "amount"), "a") == "a = 2 t (paper A)"
    assert p.uncertainty_of("a", row, "amount") is None


def test_overrides_replace_values_and_propagate(tmp_path: Path) -> None:
    p = _params(tmp_path, "a,2,t,sourced,s,\nb,a * 3,t,derived,s,\n", overrides={"a": 5})
    assert p.value("b") == 15
    with pytest.raises(InputError, match="unknown parameter"):
        _params(tmp_path, "a,2,t,sourced,s,\n", overrides={"typo": 1})


def test_compiled_formulas_equal_the_node_by_node_walk_bit_for_bit(tmp_path: Path) -> None:
    """Each formula is compiled once with its numbers as floats: every bundled parameter, and integer
    powers and quotients that would round differently in integer arithmetic, give the walk's very float."""
    from graphs.build import default_parameters
    from graphs.formula import _walked, parsed

    registry = default_parameters()
    values = {name: registry.value(name) for name in registry}
    row = read_rows(_write(tmp_path, "x.csv", "amount,source\n1,text\n"), ("amount",))[0]
    for expression in [registry[name].expression for name in registry]:
        walked = _walked(parsed(expression).tree, expression, values, row, "amount")
        assert parsed(expression).evaluate(values) == walked.value, expression
    for expression in ["10 ** -3", "3 ** 35 / 7", "-(2 ** 0.5) * 1e-05", "1 / 3"]:
        walked = _walked(parsed(expression).tree, expression, values, row, "amount")
        assert registry.evaluate(expression, row, "amount") == walked, expression
    assert registry.evaluate("3 ** 35 / 7", row, "amount").value == 3.0 ** 35.0 / 7.0


@pytest.mark.parametrize(
    ("params", "column", "message"),
    [
        ("a,x +,t,sourced,s,\n", "value", "cannot read the formula"),
        ("a,b * 2,t,sourced,s,\n", "value", "unknown parameter"),
        ("a,1 / 0,t,sourced,s,\n", "value", "divides by zero"),
        ("a,-1,t,sourced,s,\n", "value", "negative"),
        ("a,b,t,sourced,s,\nb,a,t,sourced,s,\n", "value", "circular"),
        ("a,1,t,guessed,s,\n", "status", "must be 'sourced' or 'derived'"),
        ("a,1,t,sourced,,\n", "source", "is empty"),
        ("a,1,t,sourced,s,\na,2,t,sourced,s,\n", "name", "defined twice"),
        ("a,7 % 3,t,sourced,s,\n", "value", "only numbers, names"),
        ("a,__import__('os'),t,sourced,s,\n", "value", "unknown parameter"),
        ("a,1,t,sourced,s,\"gauss(1, 2)\"\n", "uncertainty", "unknown distribution"),
    ],
)
def test_bad_parameters_name_file_row_and_column(tmp_path: Path, params: str, column: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        _params(tmp_path, params)
    assert info.value.file is not None and info.value.file.endswith("p.csv")
    assert info.value.row is not None and info.value.row >= 2
    assert info.value.column == column


def test_assumption_without_reason_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        _params(tmp_path, "", "b,network,b,0.25,share,,,none\n")
    assert (info.value.row, info.value.column) == (2, "reason")
    assert info.value.file.endswith("a.csv")


def test_missing_columns_and_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "# a comment\nname,source\n\n# skipped\nx,s\n")
    rows = read_rows(path, ("name",))
    assert [(r.row, r.text("name")) for r in rows] == [(5, "x")]
    with pytest.raises(InputError, match="missing column") as info:
        read_rows(path, ("name", "value"))
    assert info.value.row == 1
    with pytest.raises(InputError, match="cannot read"):
        read_rows(tmp_path / "absent.csv", ("name",))


def test_distribution_text_round_trip_and_checks() -> None:
    d = Distribution("triangular", (0.1, 0.2 + 0.1, 1 / 3))
    assert Distribution.from_text(d.to_text()) == d
    with pytest.raises(ValueError):
        Distribution("triangular", (1.0, 0.5, 2.0))
    with pytest.raises(ValueError):
        Distribution("uniform", (1.0,))
    with pytest.raises(ValueError):
        Distribution.from_text("normal(1, nan)")


def test_uncertainty_propagates_through_formulas_by_hand(tmp_path: Path) -> None:
    p = _params(
        tmp_path,
        "a,2,t,sourced,s,\"uniform(1, 3)\"\n"
        "b,a * 2,t,derived,s,\n"
        "c,10,t,sourced,s,\"triangular(8, 10, 11)\"\n"
        "d,4,t,sourced,s,\n",
    )
    row = read_rows(_write(tmp_path, "x.csv", "amount,source\nx,s\n"), ("amount",))[0]
    assert p.uncertainty_of("a", row, "amount") == Distribution("uniform", (1.0, 3.0))
    assert p.uncertainty_of("1 / a", row, "amount") == Distribution("triangular", (1 / 3, 0.5, 1.0))
    # through the derived b = 2a: b + 1 spans 3 .. 7 around 5
    assert p.uncertainty_of("b + 1", row, "amount") == Distribution("triangular", (3.0, 5.0, 7.0))
    # two uncertain inputs: extremes over the four corners (a, c) in {1, 3} x {8, 11}
    assert p.uncertainty_of("c / a", row, "amount") == Distribution("triangular", (8 / 3, 5.0, 11.0))
    assert p.uncertainty_of("d * 2", row, "amount") is None
