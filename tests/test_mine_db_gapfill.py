"""Gap filling: mine -> national -> country (>= 5 mines) -> pooled -> global (>= 5 mines) -> default,
with hand-computed weighted means, sample sizes, spreads and shared-fill groups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mine_db import commodities
from mine_db.gapfill import MIN_SAMPLE, fill_gaps
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade_pct", "recovery"]
# five Chilean surface copper mines with grades: enough for a country mean
CHILE = [(f"C{i}", "Chile", "copper", "open_pit", 100.0 * i, 0.4 + 0.1 * i, None) for i in range(1, 6)]
ROWS = [
    *CHILE,
    ("C6", "Chile", "copper", "mixed", 50.0, None, None),
    ("P1", "Peru", "copper", "open_pit", 100.0, 1.6, 0.90),
    ("P2", "Peru", "copper", "open_pit", 80.0, None, None),
    ("A1", "Argentina", "copper", "open_pit", 10.0, None, None),
    ("U1", "Peru", "copper", "underground", 50.0, 2.0, None),
    ("U2", "Peru", "copper", "underground", 20.0, None, None),
    ("Z1", "Peru", "zinc", "open_pit", 10.0, None, None),
    ("B1", "Chile", "lithium", "brine", 10.0, None, None),
]
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])


def _fill(rows, national=NO_NATIONAL) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test"
    )
    return fill_gaps(validate(df, "gaps.csv"), national).set_index("mine_id")


@pytest.fixture()
def filled() -> pd.DataFrame:
    return _fill(ROWS)


def test_minimum_sample_is_five() -> None:
    assert MIN_SAMPLE == 5


def test_country_mean_needs_five_mines(filled: pd.DataFrame) -> None:
    # Chile surface copper: sum(100 i x (0.4 + 0.1 i) %) / sum(100 i), i = 1..5 = 11.0 / 15 % -> 0.0073333
    chile = sum(100 * i * (0.004 + 0.001 * i) for i in range(1, 6)) / sum(100 * i for i in range(1, 6))
    assert filled.loc["C6", ["grade", "grade_fill", "grade_fill_n"]].tolist() == [pytest.approx(chile), "country", 5]
    assert filled.loc["C6", "grade_fill_group"] == "grade|country|copper|surface|*|CHL"
    logs = np.log([0.004 + 0.001 * i for i in range(1, 6)])
    assert filled.loc["C6", "grade_fill_sigma"] == pytest.approx(np.std(logs, ddof=1))


def test_thin_country_sample_is_pooled_with_the_global_one(filled: pd.DataFrame) -> None:
    # world surface copper: (1500 x 0.0073333 + 100 x 0.016) / 1600 over 6 mines; Peru has 1 mine (P1)
    chile = sum(100 * i * (0.004 + 0.001 * i) for i in range(1, 6)) / 1500
    world = (1500 * chile + 100 * 0.016) / 1600
    pooled = (1 * 0.016 + MIN_SAMPLE * world) / (1 + MIN_SAMPLE)
    assert filled.loc["P2", ["grade", "grade_fill", "grade_fill_n"]].tolist() == [pytest.approx(pooled), "pooled", 7]
    # Argentina has no surface copper mine: the global mean (6 mines)
    assert filled.loc["A1", ["grade", "grade_fill", "grade_fill_n"]].tolist() == [pytest.approx(world), "global", 6]
    assert filled.loc["A1", "grade_fill_group"] == "grade|global|copper|surface|*|*"


def test_too_few_mines_anywhere_fall_back_to_the_default(filled: pd.DataFrame) -> None:
    # one underground copper grade (U1) is not a sample: U2 takes the underground copper default
    assert filled.loc["U2", "grade_fill"] == "default"
    assert filled.loc["U2", "grade"] == commodities.default("copper", "underground", None, "grade").value == 0.0168
    # one recovery (P1) in the world: every other row takes the default
    assert filled.loc["C1", ["recovery", "recovery_fill"]].tolist() == [commodities.get("copper").recovery.value,
                                                                        "default"]
    assert filled.loc["Z1", ["grade", "grade_fill"]].tolist() == [commodities.get("zinc").grade.value, "default"]
    # the surface zinc default rests on 5 mines with a P10-P90 range of 1.64-14 % Zn
    assert filled.loc["Z1", ["grade", "grade_fill_n"]].tolist() == [0.084, 5]
    assert filled.loc["Z1", "grade_fill_sigma"] == pytest.approx(np.log(0.14 / 0.0164) / (2 * 1.645))
    assert filled.loc["Z1", "grade_fill_group"] == "grade|default|zinc|surface|*"
    # own values stay the mine's, with no sample size and no group
    assert filled.loc["P1", ["grade", "grade_fill", "grade_fill_group"]].tolist() == [pytest.approx(0.016), "mine", ""]


def test_strip_ratio_defaults_depend_on_the_method(filled: pd.DataFrame) -> None:
    assert filled.loc["C1", "strip_ratio"] == pytest.approx(commodities.get("copper").strip_ratio.value)
    assert filled.loc["U1", "strip_ratio"] == pytest.approx(0.2733)  # development waste, every commodity (6 mines)
    assert filled.loc["B1", "strip_ratio"] == 0.0
    assert filled.loc["B1", "grade"] == commodities.default("lithium", "brine", None, "grade").value == 0.00063


def test_a_default_read_at_fewer_than_five_mines_is_pooled_with_the_wider_sample() -> None:
    # graphite pits: 2 planned strip ratios (0.9); cobalt: 2 recoveries (0.703); lithium: 5 (its own, no pooling)
    rows = [("G1", "Mozambique", "graphite", "open_pit", 10.0, None, None),
            ("K1", "DR Congo", "cobalt", "open_pit", 10.0, None, None),
            ("L1", "Australia", "lithium", "open_pit", 10.0, None, None)]
    out = _fill(rows)
    strip, metal_pits = (commodities.default("graphite", "surface", None, "strip_ratio"),
                         commodities.wider_default("surface", "strip_ratio"))
    assert (strip.n, metal_pits.commodity, metal_pits.n, metal_pits.assumption_id) == (2, "all", 85, "A31")
    pooled = (2 * 0.9 + MIN_SAMPLE * 2.8) / (2 + MIN_SAMPLE)
    assert out.loc["G1", ["strip_ratio", "strip_ratio_fill", "strip_ratio_fill_n"]].tolist() == [
        pytest.approx(pooled), "default", 87]
    assert out.loc["G1", "strip_ratio_fill_sigma"] == pytest.approx(metal_pits.sigma)
    assert out.loc["G1", "strip_ratio_fill_group"] == "strip_ratio|default|graphite|surface|*|pooled"
    concentrators = commodities.wider_default("surface", "recovery", "flotation")
    assert (concentrators.n, concentrators.value, concentrators.assumption_id) == (64, 0.814, "A39")
    cobalt = (2 * 0.703 + MIN_SAMPLE * 0.814) / (2 + MIN_SAMPLE)
    assert out.loc["K1", ["recovery", "recovery_fill_n"]].tolist() == [pytest.approx(cobalt), 66]
    # a default of five mines or more is the commodity's own value
    assert out.loc["L1", ["recovery", "recovery_fill_n", "recovery_fill_group"]].tolist() == [
        0.66, 5, "recovery|default|lithium|*|*"]


def test_a_national_statistic_beats_every_average() -> None:
    national = pd.DataFrame([("PER", "copper", "recovery", 0.85, 0.03, "src")], columns=NO_NATIONAL.columns)
    out = _fill(ROWS, national)
    assert out.loc["P2", ["recovery", "recovery_fill", "recovery_fill_sigma"]].tolist() == [0.85, "national",
                                                                                           pytest.approx(0.03)]
    assert out.loc["P1", ["recovery", "recovery_fill"]].tolist() == [0.90, "mine"]  # own data wins
    assert out.loc["C1", "recovery_fill"] == "default"  # Chile has no statistic


def test_existing_flags_survive_a_reload(filled: pd.DataFrame) -> None:
    again = fill_gaps(validate(filled.reset_index(), "again.parquet"), NO_NATIONAL).set_index("mine_id")
    for column in ("grade", "grade_fill", "grade_fill_n", "grade_fill_group", "strip_ratio_fill"):
        pd.testing.assert_series_equal(again[column], filled[column])


def test_zero_weights_fall_back_to_plain_mean() -> None:
    rows = [(f"M{i}", "Chile", "copper", "open_pit", 0.0, float(i), None) for i in range(1, 6)]
    out = _fill([*rows, ("X", "Chile", "copper", "open_pit", 5.0, None, None)])
    # weights all 0: plain mean of 1..5 % = 3 %
    assert out.loc["X", "grade"] == pytest.approx(0.03)


def test_bundled_national_statistics_cite_known_sources() -> None:
    from mine_db.default import read_bibliography
    from mine_db.national_fills import read_national

    national = read_national()
    known = set(read_bibliography()["id"])
    cited = {i for ids in national["source_id"] for i in str(ids).split(";")}
    assert cited and cited <= known
    assert set(national["variable"]) <= {"grade", "recovery", "strip_ratio"}


def test_a_national_table_with_an_unknown_variable_names_file_row_and_column(tmp_path) -> None:
    from hfcommon.errors import InputError
    from mine_db.national_fills import read_national

    bad = tmp_path / "national.csv"
    bad.write_text("country,commodity,variable,value,low,high,year,source_id,where_read,note\n"
                   "Peru,copper,grade,0.005,,,2019,s,here,\nPeru,copper,ore_per_metal,3.9,,,2019,s,here,\n")
    with pytest.raises(InputError) as err:
        read_national(bad)
    assert (err.value.file, err.value.row, err.value.column) == (str(bad), 3, "variable")


NATIONAL_HEADER = "country,commodity,mine_type,variable,value,low,high,year,source_id,where_read,note\n"


def test_a_national_value_read_for_one_method_fills_only_rows_of_that_method(tmp_path) -> None:
    from mine_db.national_fills import read_national

    table = tmp_path / "national.csv"
    table.write_text(NATIONAL_HEADER
                     + "Peru,copper,,grade,0.005,,,2015,s,here,\n"
                     + "Peru,copper,underground,grade,0.012,0.010,0.015,2012,s,here,\n")
    national = read_national(table)
    out = _fill(ROWS, national)
    # U2 (underground, no grade) takes the underground value, its spread from 0.010-0.015 read as a 90 % interval
    sigma = np.log(0.015 / 0.010) / (2 * 1.645)
    assert out.loc["U2", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.012), "national"]
    assert out.loc["U2", "grade_fill_sigma"] == pytest.approx(sigma)
    assert out.loc["U2", "grade_fill_group"] == "grade|national|copper|underground|*|PER"
    # P2 (surface, no grade) takes the all-method value, which has no range; U1 keeps its own 2 %
    assert out.loc["P2", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.005), "national"]
    assert np.isnan(out.loc["P2", "grade_fill_sigma"])
    assert out.loc["U1", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.02), "mine"]
    # Chile has no national value: C6 stays on the country mean
    assert out.loc["C6", "grade_fill"] == "country"


def test_a_surface_value_fills_open_pit_and_mixed_rows_but_not_underground_ones(tmp_path) -> None:
    from mine_db.national_fills import read_national

    table = tmp_path / "national.csv"
    table.write_text(NATIONAL_HEADER + "Chile,copper,open_pit,grade,0.009,,,2012,s,here,\n")
    out = _fill([*ROWS, ("U3", "Chile", "copper", "underground", 5.0, None, None)], read_national(table))
    # C6 is `mixed`: a surface mine, as `mining_method` groups it -> the open-pit value, not Chile's country mean
    assert out.loc["C6", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.009), "national"]
    assert out.loc["U3", "grade_fill"] != "national"


@pytest.mark.parametrize("rows, bad_row", [
    # an unknown mining method on row 3
    (["Peru,copper,,grade,0.005,,,2019,s,here,", "Peru,copper,surface_mine,grade,0.004,,,2012,s,here,"], 3),
    # two values for Peru's open-pit copper grade: the second (row 4) is reported
    (["Peru,copper,,grade,0.005,,,2019,s,here,", "Peru,copper,open_pit,grade,0.006,,,2012,s,here,",
      "Peru,copper,open_pit,grade,0.004,,,2006,s,here,"], 4),
])
def test_a_national_table_with_a_bad_mine_type_names_file_row_and_column(tmp_path, rows, bad_row) -> None:
    from hfcommon.errors import InputError
    from mine_db.national_fills import read_national

    bad = tmp_path / "national.csv"
    bad.write_text(NATIONAL_HEADER + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as err:
        read_national(bad)
    assert (err.value.file, err.value.row, err.value.column) == (str(bad), bad_row, "mine_type")


def test_a_national_table_without_a_declared_column_names_it(tmp_path) -> None:
    from hfcommon.errors import InputError
    from mine_db.national_fills import read_national

    bad = tmp_path / "national.csv"
    bad.write_text("country,commodity,variable,value,low,high,year,where_read,note\nPeru,copper,grade,0.005,,,2019,here,\n")
    with pytest.raises(InputError) as err:
        read_national(bad)
    assert (err.value.file, err.value.column) == (str(bad), "source_id")


def test_a_bad_mine_type_in_the_national_table_exits_2_without_output(tmp_path, monkeypatch, capsys) -> None:
    import sys

    from mine_db import national_fills
    from tracer.cli import main

    bad = tmp_path / "national.csv"
    bad.write_text(NATIONAL_HEADER + "Peru,copper,pit,grade,0.004,,,2012,s,here,\n")
    monkeypatch.setattr(national_fills, "NATIONAL_VALUES", bad)
    sites = Path(__file__).parent / "fixtures" / "mine_db" / "sites.csv"
    monkeypatch.setattr(sys, "argv", ["tracer", "db", "info", "--db", str(sites), "--json"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    message = " ".join(captured.err.split())
    assert str(bad) in message and "row 2" in message and "mine_type" in message
