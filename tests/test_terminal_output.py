"""What a user reads in an 80- and a 100-column terminal: nothing cut, names not ids, one number format.

Each command runs through the CLI with the shared console set to the width; the
output is checked for rich's ellipsis, lines wider than the window, raw Python values,
and for the words and numbers the command must show whole.
"""

from __future__ import annotations

import re
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

from hfcommon.display import (
    country_name,
    node_name,
    parameter_name,
    percent,
    quantity,
    sig,
)
from tracer import api
from tracer.cli import app, main
from tracer.commands import options
from tracer.commands.render import Col, fit

WIDTHS = (80, 100)
#: Command -> words that must appear whole (not cut, not folded mid-word) in its output.
COMMANDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("run",): ("Traced:", "China's 2019 passenger-car production", "bundled", "BEV-NMC811", "not in fleet",
               "copper wire", "Peru", "South Africa"),
    ("vehicle", "BEV-NMC811"): ("by flow type", "overburden", "waste rock", "tailings", "lithium hydroxide",
                                "traction battery BEV NMC811"),
    ("coefficients",): ("Platinum-group", "Serbia"),
    ("paths", "--top", "5"): ("hidden flows", "copper", "China", "ICEV"),
    ("db", "info"): ("commodity", "production", "iron ore", "Australia"),
    ("db", "coverage", "--top", "20"): ("Largest sites", "Escondida", "Cerro Verde"),
    ("mc", "-n", "512", "--workers", "1"): ("BEV-NMC811", "BEV-NMC111", "share of hidden flows abroad",
                                            "hidden-to-used ratio", "nominal: the deterministic run"),
    ("compare", "baseline", "lfp"): ("hidden at home", "copper wire", "South Africa"),
}


def _significant(number: str) -> int:
    """Significant digits of a decimal number as printed (commas and leading zeros do not count)."""
    return len(number.replace(",", "").replace(".", "").lstrip("0"))


def _run(args: tuple[str, ...], width: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(options.stdout, "width", width)
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[tuple[str, ...], int], str]:
    """Every command at every width, run once for all the checks below."""
    patch = pytest.MonkeyPatch()
    try:
        return {(args, width): _run(args, width, patch) for args in COMMANDS for width in WIDTHS}
    finally:
        patch.undo()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", list(COMMANDS), ids=" ".join)
def test_nothing_is_cut_at_the_window_width(outputs: dict, args: tuple[str, ...], width: int) -> None:
    text = outputs[(args, width)]
    assert "…" not in text  # rich's ellipsis: a cut cell
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert "{'" not in text and not re.search(r"\b(material|component|mine|market):[a-z]", text)  # no dicts, no ids
    assert not [n for n in re.findall(r"\d[\d,]*\.\d+", text) if _significant(n) > 4]  # e.g. 427541506.5087664
    assert not re.search(r"\de[+-]\d", text)  # no scientific notation
    for words in COMMANDS[args]:
        assert words in text, f"{words!r} missing or cut in `tracer {' '.join(args)}` at {width} columns"


def test_run_says_what_was_traced_first(outputs: dict) -> None:
    first = outputs[(("run",), 80)].splitlines()[0]
    assert first.startswith("Traced:") and "China" in first
    hidden = api.run().summary["hidden_t"]
    assert f"{quantity(hidden)}" in outputs[(("run",), 100)]  # "624 Mt": the shared number format


def test_ids_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _run(("vehicle", "ICEV", "--ids"), 100, monkeypatch)
    assert "material:copper" in text and "CHN" in text


def test_help_shows_flags_without_a_value() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "100"})
    assert "--json" in result.output and "--ids" in result.output
    assert "<bool>" not in result.output


def test_near_miss_vehicle_id_suggests_the_right_one(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["tracer", "vehicle", "BEV-NMC81"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "did you mean 'BEV-NMC811'" in capsys.readouterr().err.replace("\n", " ")


def test_the_one_number_format() -> None:
    assert quantity(6.24096e8) == "624 Mt" and quantity(32.95) == "33.0 t" and quantity(461_383) == "461 kt"
    assert quantity(1.0864e9) == "1.09 Gt" and quantity(9.26e-5) == "0.0000926 t"
    assert sig(1086.4) == "1,086" and sig(9.996) == "10.0" and sig(0.0) == "0" and sig(float("nan")) == "n/a"
    assert percent(0.032346) == "3.2 %" and percent(0.00001) == "<0.1 %"
    assert quantity(3.0e7, "t CO2-eq") == "30.0 Mt CO2-eq" and quantity(5.0, "GJ") == "5.00 GJ"
    assert node_name("material:copper_wire") == "copper wire" and node_name("BEV-NMC811") == "BEV-NMC811"
    assert country_name("COD") == "DR Congo" and country_name("PER") == "Peru" and country_name("XYZ") == "XYZ"
    assert parameter_name("fill grade|global|copper|*") == "fill grade · global · copper · all"
    assert parameter_name("edge material:copper_wire -> component:wiring_harness") == "edge copper wire -> wiring harness"
    assert parameter_name("node energy:coal:CHN: overburden") == "node coal CHN: overburden"


def test_a_table_drops_low_priority_columns_with_a_note() -> None:
    columns = [Col("name"), Col("value", True), Col("detail", drop=1), Col("more detail", drop=2)]
    rows = [("Huntly and Willowdale (Alcoa, Darling Range)", "1,234,567 t", "x" * 30, "y" * 30)]
    console = Console(width=60, record=True)
    console.print(fit("t", columns, rows, console))
    text = console.export_text()
    assert "…" not in text and "1,234,567 t" in text and "Willowdale" in text
    assert "not shown at 60 columns: detail, more detail" in text.replace("\n", " ")
    wide = Console(width=140, record=True)
    wide.print(fit("t", columns, rows, wide))
    wide_text = wide.export_text()
    assert "not shown" not in wide_text and "y" * 30 in wide_text
