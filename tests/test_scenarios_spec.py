"""Scenario files: every key parsed to its meaning, every malformed key named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcommon.errors import InputError
from tracer.scenarios import bundled_names, load_all_bundled, load_scenario

FULL = """
[scenario]
name = "everything"
title = "All levers"

[recycled_content.copper]
share = 0.4
secondary_stressors = { process_residue = 9.0 }
source = "Wuppertal MIPS"

[battery_mix]
shares = { LFP = 0.6, NMC811 = 0.4 }
source = "assumption"

[[electricity]]
share = 0.5
countries = ["CHN"]
stressors = { co2 = 0.0 }
source = "assumption"

[[sourcing]]
commodity = "copper"
shares = { CHL = 0.5 }
source = "assumption"

[ore_grade.copper]
annual_decline = 0.02
target_year = 2030
source = "Calvo et al. 2016"

[fleet]
nev_share = 0.4
nev_split = { BEV = 0.8, PHEV = 0.2 }
source = "assumption"

[lightweighting.steel]
mass_change = -0.1
source = "carculator"
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_is_parsed_to_its_meaning(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, FULL))
    assert s.name == "everything" and s.title == "All levers"
    (rc,) = s.recycled_content
    assert (rc.material, rc.commodity, rc.share, rc.country) == ("copper", "copper", 0.4, "CHN")
    assert dict(rc.secondary_stressors) == {"process_residue": 9.0}
    assert s.battery_mix is not None and dict(s.battery_mix.shares) == {"LFP": 0.6, "NMC811": 0.4}
    (el,) = s.electricity
    assert (el.share, el.countries, el.stages) == (0.5, ("CHN",), ("smelting", "refining"))
    (so,) = s.sourcing
    assert (so.commodity, so.market, dict(so.shares)) == ("copper", None, {"CHL": 0.5})
    (og,) = s.ore_grade
    assert og.base_year == 2019 and og.grade_factor == pytest.approx(0.98**11)
    assert s.fleet is not None and s.fleet.nev_share == 0.4 and s.fleet.total is None
    (lw,) = s.lightweighting
    assert (lw.material, lw.mass_change) == ("steel", -0.1)
    assert s.changes_network
    assert {row["key"] for row in s.assumptions()} == {
        "recycled_content.copper", "battery_mix", "electricity[0]", "sourcing[0]",
        "ore_grade.copper", "fleet", "lightweighting.steel",
    }


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("share = 0.4", "share = 1.4", "recycled_content.copper.share"),
        ("share = 0.4", 'share = "lots"', "recycled_content.copper.share"),
        ("share = 0.4", "share = nan", "recycled_content.copper.share"),
        ("[recycled_content.copper]", "[recycled_content.tin]", "recycled_content.tin"),
        ('source = "Wuppertal MIPS"', "", "recycled_content.copper.source"),
        ("share = 0.4", 'share = 0.4\nmaterials = ["material:copper"]', "recycled_content.copper.materials[0]"),
        ("process_residue = 9.0", "used = 9.0", "recycled_content.copper.secondary_stressors.used"),
        ("process_residue = 9.0", "tailings = -1.0", "recycled_content.copper.secondary_stressors.tailings"),
        ("LFP = 0.6", "LFP = 0.5", "battery_mix.shares"),
        ("LFP = 0.6", "LMO = 0.6", "battery_mix.shares.LMO"),
        ('countries = ["CHN"]', 'countries = ["China"]', "electricity[0].countries[0]"),
        ('countries = ["CHN"]', 'stages = ["mine"]', "electricity[0].stages[0]"),
        ("stressors = { co2 = 0.0 }", 'stressors = { co2 = 0.0 }\nsupply = "x"', "electricity[0]"),
        ("stressors = { co2 = 0.0 }", "", "electricity[0]"),
        ("stressors = { co2 = 0.0 }", "supply = 3", "electricity[0].supply"),
        ("shares = { CHL = 0.5 }", "shares = { CHL = 0.7, PER = 0.5 }", "sourcing[0].shares"),
        ('commodity = "copper"\nshares', 'commodity = "tin"\nshares', "sourcing[0].commodity"),
        ('commodity = "copper"\nshares', 'market = "m"\ncommodity = "copper"\nshares', "sourcing[0]"),
        ("target_year = 2030", "target_year = 2010", "ore_grade.copper.target_year"),
        ("target_year = 2030", "target_year = 2030.5", "ore_grade.copper.target_year"),
        ("annual_decline = 0.02", "annual_decline = 1.0", "ore_grade.copper.annual_decline"),
        ("nev_share = 0.4", "nev_share = -0.1", "fleet.nev_share"),
        ("BEV = 0.8", "ICEV = 0.8", "fleet.nev_split.ICEV"),
        ("mass_change = -0.1", "mass_change = -1.0", "lightweighting.steel.mass_change"),
        ("[lightweighting.steel]", '[lightweighting."material:steel"]', "lightweighting.material:steel"),
        ('title = "All levers"', 'title = "x"\nauthor = "me"', "scenario.author"),
        ('name = "everything"', "", "scenario.name"),
    ],
)
def test_malformed_key_is_named_with_the_file(tmp_path: Path, old: str, new: str, column: str) -> None:
    assert old in FULL
    path = write(tmp_path, FULL.replace(old, new, 1))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.column == column
    assert err.value.file == str(path)


def test_unknown_top_level_table_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_scenario(write(tmp_path, FULL + "\n[recycling]\nx = 1\n"))
    assert err.value.column == "recycling"
    bad = write(tmp_path, "[scenario\nname = 1", "bad.toml")
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    assert err.value.file == str(bad) and "TOML" in str(err.value)


def test_unknown_reference_lists_the_bundled_names() -> None:
    with pytest.raises(InputError, match="baseline"):
        load_scenario("no_such_scenario")
    with pytest.raises(InputError, match="not found"):
        load_scenario("missing.toml")


def test_include_merges_levers_and_rejects_contradictions(tmp_path: Path) -> None:
    write(tmp_path, FULL, "full.toml")
    write(tmp_path, '[scenario]\nname = "cu"\n[recycled_content.copper]\nshare = 0.1\n'
          'secondary_stressors = {}\nsource = "x"\n', "cu.toml")
    both = write(tmp_path, f'include = ["{tmp_path / "full.toml"}", "lfp"]\n[scenario]\nname = "both"\n',
                 "both.toml")
    with pytest.raises(InputError) as err:
        load_scenario(both)
    assert err.value.column == "battery_mix" and err.value.file == str(both)
    ok = write(tmp_path, f'include = ["{tmp_path / "cu.toml"}", "lfp"]\n[scenario]\nname = "ok"\n', "ok.toml")
    s = load_scenario(ok)
    assert s.name == "ok" and s.recycled_content[0].share == 0.1 and s.battery_mix is not None
    assert s.includes == (str(tmp_path / "cu.toml"), "lfp")
    clash = write(tmp_path, f'include = ["{tmp_path / "cu.toml"}", "{tmp_path / "full.toml"}"]\n'
                  '[scenario]\nname = "clash"\n', "clash.toml")
    with pytest.raises(InputError) as err:
        load_scenario(clash)
    assert err.value.column == "recycled_content.copper"


def test_self_include_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "loop.toml"
    write(tmp_path, f'include = ["{path}"]\n[scenario]\nname = "loop"\n', "loop.toml")
    with pytest.raises(InputError, match="includes itself"):
        load_scenario(path)


def test_overrides_set_a_dotted_key_before_validation(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    s = load_scenario(path, {"recycled_content.copper.share": 0.6, "electricity.0.share": 1.0})
    assert s.recycled_content[0].share == 0.6 and s.electricity[0].share == 1.0
    with pytest.raises(InputError) as err:
        load_scenario(path, {"recycled_content.copper.share": 2.0})
    assert err.value.column == "recycled_content.copper.share"
    with pytest.raises(InputError) as err:
        load_scenario("baseline", {"recycled_content.copper.share": 0.5})
    assert err.value.column == "recycled_content"


def test_bundled_scenarios_all_validate_and_cite_sources() -> None:
    names = bundled_names()
    assert names[0] == "baseline"
    assert {"copper_recycling", "lfp", "clean_energy", "combined", "nev_2030", "copper_grade_2030"} <= set(names)
    for s in load_all_bundled():
        rows = s.assumptions()
        assert (s.name == "baseline") == (not rows)
        assert all(len(row["source"]) > 10 for row in rows)


def test_the_example_user_scenario_uses_every_lever() -> None:
    s = load_scenario(Path(__file__).parents[1] / "examples" / "scenario_custom.toml")
    keys = {row["key"].split("[")[0].split(".")[0] for row in s.assumptions()}
    assert keys == {"recycled_content", "battery_mix", "electricity", "sourcing", "ore_grade", "fleet",
                    "lightweighting"}
    assert s.ore_grade[0].grade_factor == pytest.approx(0.972**11)
