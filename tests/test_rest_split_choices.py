"""Structural splits of the mine table measured: the rest-of-country split by mining method is a
parameter of the build that moves only the split rows, and `tracer reconcile`'s choices at the
range ends of A40 (zinc) and A41 (China's copper) equal a direct rebuild with that split."""

from __future__ import annotations

import pandas as pd
import pytest

from graphs.build import build_default_network
from hfcommon.assumptions import load_assumptions
from mine_db.default import build_default, build_standalone, load_reconciliation
from mine_db.rest_of_country import REST_METHOD_SPLIT, MethodSplit
from tracer import api
from tracer.reconcile import reconcile
from tracer.reconcile.choices import (
    FIGURES,
    Choice,
    load_choices,
    method_split,
    split_end,
)

CHINA_COPPER = ("CHN", "copper")
#: A41's range high typed by hand (hfcommon/data/assumptions.csv: "0.04 to 0.71"), the hand check.
A41_HIGH = MethodSplit(shares=(("open_pit", 0.29), ("underground", 0.71)), basis="ore",
                       where="test: A41 range high by hand")


@pytest.fixture(scope="module")
def declared() -> dict[str, Choice]:
    return {c.name: c for c in load_choices()}


@pytest.fixture(scope="module")
def default() -> pd.DataFrame:
    return build_standalone()[0].set_index("mine_id")


def _rest_t(commodity: str) -> pd.Series:
    """National minus named metal of every country with a rest row of `commodity` (reconciliation.csv)."""
    table = load_reconciliation()
    rows = table[(table["commodity"] == commodity) & (table["status"] == "rest_of_country")]
    return rows.set_index("country")["rest_t"]


def test_the_declared_ends_are_read_from_the_assumptions_table(declared) -> None:
    assert load_assumptions()["A41"].bounds == (0.04, 0.71)
    assert load_assumptions()["A40"].bounds == (0.62, 0.78)
    assert load_assumptions()["hm_fe_content"].bounds is None  # uniform(0.93, 0.955): a distribution
    assert split_end(declared["china_copper_underground_low"]) == (CHINA_COPPER, 0.04)
    assert split_end(declared["china_copper_underground_high"]) == (CHINA_COPPER, 0.71)
    assert split_end(declared["zinc_underground_low"]) == ("zinc", 0.62)
    assert split_end(declared["zinc_underground_high"]) == ("zinc", 0.78)


def test_the_split_parameter_changes_only_the_split_rows(default) -> None:
    declared_before = dict(REST_METHOD_SPLIT)
    split = method_split(CHINA_COPPER, 0.71, "test")
    assert REST_METHOD_SPLIT == declared_before  # the declared table is not changed
    other = build_standalone(method_split=split)[0].set_index("mine_id")
    moved = default.index.str.startswith("chn-rest-copper")
    assert moved.sum() == 2
    assert other.index.str.startswith("chn-rest-copper").sum() == 2
    pd.testing.assert_frame_equal(default.loc[~moved], other.loc[default.index[~moved]])
    rest = other.loc[["chn-rest-copper-open-pit", "chn-rest-copper-underground"]]
    assert rest["mine_type"].tolist() == ["open_pit", "underground"]
    national_minus_named = _rest_t("copper")["CHN"]
    assert rest["metal_t"].sum() == pytest.approx(national_minus_named, rel=1e-12)
    assert default.loc[moved, "metal_t"].sum() == pytest.approx(national_minus_named, rel=1e-12)
    # the range end is a share of the ore (A41's range): each row's ore, at the grade and recovery of its method
    assert (rest["ore_t"] / rest["ore_t"].sum()).tolist() == pytest.approx([0.29, 0.71], rel=1e-12)
    # more of the same metal underground moves the rows' hidden flows (underground ratios, not pit ratios)
    assert rest["hidden_t"].sum() != pytest.approx(default.loc[moved, "hidden_t"].sum(), rel=1e-3)


def test_every_countrys_zinc_rest_keeps_national_minus_named_at_both_ends(default) -> None:
    expected = _rest_t("zinc")
    for underground in (0.62, 0.78):
        table = build_standalone(method_split=method_split("zinc", underground, "test"))[0]
        rest = table[table["mine_id"].str.contains("-rest-zinc")]
        assert set(rest["mine_type"]) == {"open_pit", "underground"}  # the mixed row is counted as one of them
        sums = rest.groupby("country")["metal_t"].sum()
        ore = rest.groupby(["country", "mine_type"])["ore_t"].sum().unstack()
        assert (ore["underground"] / ore.sum(axis=1)).to_numpy() == pytest.approx(underground, rel=1e-12)
        pd.testing.assert_series_equal(sums.sort_index(), expected.sort_index(), check_names=False, rtol=1e-12)
        named = table.set_index("mine_id").loc[lambda t: ~t.index.str.contains("-rest-zinc")]
        pd.testing.assert_frame_equal(named, default.loc[named.index])
    default_rest = default[default.index.str.contains("-rest-zinc")]
    assert set(default_rest["mine_type"]) == {"open_pit", "mixed", "underground"}


def test_a_split_choice_equals_a_direct_rebuild_with_that_split(declared) -> None:
    steps: list[str] = []
    result = reconcile(choices=(declared["china_copper_underground_high"],), on_step=steps.append)
    table, _ = build_default(method_split={**REST_METHOD_SPLIT, CHINA_COPPER: A41_HIGH})
    expected = api.run(network=build_default_network(table)).summary
    row, base = result.choices.iloc[0], result
    for key in FIGURES:
        assert row[key] == pytest.approx(expected[key], rel=1e-9)
    assert row["setting"].startswith("CHN:copper rest: underground 0.71, open pit 0.29 of the ore (A41 range high")
    assert row["delta_hidden_t"] < -1e6  # more of China's copper underground: fewer pit strip ratios
    # only China's rows change: the hidden flows abroad stay where they were
    assert abs(row["delta_abroad_hidden_t"]) < 1e-6 * base.summary["abroad_hidden_t"]
    assert row["delta_domestic_hidden_t"] == pytest.approx(row["delta_hidden_t"], rel=1e-4)
    # the progress callback hears every run: the run, each element, the core, the choice
    assert len(steps) == 1 + len(result.elements) + 1 + 1
    assert steps[0] == "tracing the run" and steps[-1] == f"choice: {row['label']}"
