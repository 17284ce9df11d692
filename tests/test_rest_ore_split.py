"""A rest-of-country split declared as shares of the ore (A40, A41) gives each mining method the
metal whose ore, at the grade and recovery the gap-fill gives that method, is its declared share;
the methods' metal sums to the rest. Hand-computed on a two-method rest, then on the default table."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from mine_db.default import build_standalone
from mine_db.fill_kinds import FILLED
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.national_fills import read_national
from mine_db.rest_of_country import (
    REST_METHOD_SPLIT,
    MethodSplit,
    ore_split_metal,
    split_metal_by_ore,
)
from mine_db.schema import validate

NATIONAL_HEADER = "country,commodity,mine_type,variable,value,low,high,year,source_id,where_read,note\n"
#: Peru's copper by method, typed for the test: open pit 0.5 % and 85 %, underground 0.7 % and 90 %.
NATIONAL = ("Peru,copper,open_pit,grade,0.005,,,2019,s,here,\n"
            "Peru,copper,underground,grade,0.007,,,2019,s,here,\n"
            "Peru,copper,open_pit,recovery,0.85,,,2019,s,here,\n"
            "Peru,copper,underground,recovery,0.90,,,2019,s,here,\n")
PERU_COPPER = ("PER", "copper")
ORE_SPLIT = MethodSplit(shares=(("open_pit", 0.6), ("underground", 0.4)), basis="ore", where="test")
FILL_COLUMNS = [f"{var}{suffix}" for var in FILLED for suffix in ("", "_fill", "_fill_n", "_fill_sigma", "_fill_group")]


def _rest_of_peru(tmp_path) -> pd.DataFrame:
    """A named Peruvian pit with its own values and the rest of Peru's copper (1,000 t) as two parts that
    carry the declared shares as metal, as `rest_rows` writes them; gap-filled with `NATIONAL`."""
    table = tmp_path / "national.csv"
    table.write_text(NATIONAL_HEADER + NATIONAL)
    rows = pd.DataFrame({
        "mine_id": ["per-a", "per-rest-copper-open-pit", "per-rest-copper-underground"],
        "country": "Peru", "commodity": "copper", "mine_type": ["open_pit", "open_pit", "underground"],
        "metal_t": [500.0, 600.0, 400.0], "grade_pct": [1.0, None, None], "recovery": [0.8, None, None],
        "resolution": ["mine", "rest_of_country", "rest_of_country"],
    }).assign(name=lambda f: f["mine_id"], latitude=0.0, longitude=0.0, year=2019, source="test")
    return fill_gaps(validate(rows, "rest.csv"), read_national(table))


def test_two_methods_by_hand(tmp_path) -> None:
    filled = _rest_of_peru(tmp_path)
    split = split_metal_by_ore(filled, {PERU_COPPER: ORE_SPLIT}).set_index("mine_id")
    pit, underground = split.loc["per-rest-copper-open-pit"], split.loc["per-rest-copper-underground"]
    # the grades and recoveries are the fill's (national, by method), not typed into the split
    assert (pit["grade"], pit["recovery"], pit["grade_fill"]) == (0.005, 0.85, "national")
    assert (underground["grade"], underground["recovery"], underground["recovery_fill"]) == (0.007, 0.90, "national")
    # metal won per t ore 0.00425 and 0.0063; ore = 1,000 / (0.6 x 0.00425 + 0.4 x 0.0063) = 1,000 / 0.00507
    # = 197,238.66 t; open pit 0.6 of it = 118,343.20 t ore, 502.96 t metal; underground 78,895.46 t, 497.04 t
    assert pit["metal_t"] == pytest.approx(502.958580, abs=1e-6)
    assert underground["metal_t"] == pytest.approx(497.041420, abs=1e-6)
    assert pit["metal_t"] + underground["metal_t"] == pytest.approx(1_000.0, rel=1e-15)
    flows = derive_hidden_flows(split.reset_index()).set_index("mine_id")
    assert flows.loc["per-rest-copper-open-pit", "ore_t"] == pytest.approx(118_343.195, abs=1e-3)
    assert flows.loc["per-rest-copper-underground", "ore_t"] == pytest.approx(78_895.464, abs=1e-3)
    # a named mine is never touched, and neither is its source
    assert split.loc["per-a", "metal_t"] == 500.0
    assert "40.0 % of the rest's ore" in underground["source"]


def test_setting_the_metal_after_the_fill_is_the_fixed_point(tmp_path) -> None:
    """The rest rows' metal weighs no average the fill draws on: filling the split table again changes nothing."""
    split = split_metal_by_ore(_rest_of_peru(tmp_path), {PERU_COPPER: ORE_SPLIT})
    table = tmp_path / "national.csv"
    pd.testing.assert_frame_equal(fill_gaps(split, read_national(table))[FILL_COLUMNS], split[FILL_COLUMNS])


def test_a_split_of_the_metal_keeps_the_declared_shares(tmp_path) -> None:
    filled = _rest_of_peru(tmp_path)
    metal_split = ORE_SPLIT.model_copy(update={"basis": "metal"})
    out = split_metal_by_ore(filled, {PERU_COPPER: metal_split})
    pd.testing.assert_frame_equal(out, filled)
    # a country without a split entry keeps its rows as written
    pd.testing.assert_frame_equal(split_metal_by_ore(filled, {("CHL", "copper"): ORE_SPLIT}), filled)


def test_an_ore_split_of_other_methods_than_the_rows_is_an_error(tmp_path) -> None:
    zinc_like = MethodSplit(shares=(("open_pit", 0.5), ("mixed", 0.5)), basis="ore", where="test")
    with pytest.raises(ValueError, match="not the parts of its split"):
        split_metal_by_ore(_rest_of_peru(tmp_path), {PERU_COPPER: zinc_like})


def test_ore_split_metal_needs_every_grade_and_recovery() -> None:
    assert ore_split_metal(10.0, [0.5, 0.5], [0.01, 0.02], [1.0, 1.0]).tolist() == pytest.approx([10 / 3, 20 / 3])
    with pytest.raises(ValueError, match="grade and recovery"):
        ore_split_metal(10.0, [0.5, 0.5], [0.01, float("nan")], [1.0, 1.0])


@pytest.mark.parametrize(("cells", "needle"), [
    ({"basis": "tonnes"}, "'ore' or 'metal'"),
    ({"where": " "}, "is empty"),
    ({"shares": (("open_pit", 0.6), ("open_pit", 0.4))}, "each once"),
    ({"shares": (("open_pit", 1.0),)}, "at least two"),
    ({"shares": (("open_pit", 0.6), ("brine", 0.4))}, "underground"),
    ({"shares": (("open_pit", 0.7), ("underground", 0.4))}, "sum to 1.1"),
    ({"shares": (("open_pit", 1.0), ("underground", 0.0))}, "strictly between 0 and 1"),
])
def test_a_split_declares_its_basis_and_shares_that_hold(cells: dict, needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        MethodSplit.model_validate({"shares": (("open_pit", 0.6), ("underground", 0.4)), "basis": "ore",
                                    "where": "test", **cells})


def test_the_declared_splits_are_shares_of_the_ore() -> None:
    assert {key: split.basis for key, split in REST_METHOD_SPLIT.items()} == {"zinc": "ore", ("CHN", "copper"): "ore"}


def test_the_default_rest_of_china_copper_is_42_percent_underground_by_ore() -> None:
    """A41: 42 % of the rest of China's copper ORE underground, at the national grades by method
    (0.52 %, 0.70 %) and the recoveries the fill gives; the metal still sums to national minus named."""
    table = build_standalone()[0].set_index("mine_id")
    rows = table.loc[["chn-rest-copper-open-pit", "chn-rest-copper-underground"]]
    assert rows["grade"].tolist() == [0.0052, 0.0070] and set(rows["grade_fill"]) == {"national"}
    assert (rows["ore_t"] / rows["ore_t"].sum()).tolist() == pytest.approx([0.58, 0.42], rel=1e-12)
    assert rows["ore_t"].tolist() == pytest.approx((rows["metal_t"] / (rows["grade"] * rows["recovery"])).tolist())
    assert rows["metal_t"].sum() == pytest.approx(1_324_714, abs=0.5)
    # the richer underground ore holds more than 42 % of the metal: 0.42 x 0.0070 r_u / (0.58 x 0.0052 r_p + ...)
    pit, underground = rows["grade"] * rows["recovery"]
    assert rows["metal_t"].iloc[1] / rows["metal_t"].sum() == pytest.approx(
        0.42 * underground / (0.58 * pit + 0.42 * underground), rel=1e-12)
    zinc = table.loc[[f"chn-rest-zinc-{m}" for m in ("open-pit", "mixed", "underground")], "ore_t"]
    assert (zinc / zinc.sum()).tolist() == pytest.approx([0.218 / 0.999, 0.161 / 0.999, 0.620 / 0.999], rel=1e-12)
