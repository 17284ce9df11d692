"""The bad-input catalogue: every case exits with code 2, names where the problem is, writes nothing.

Each case runs the real command line (`tracer.cli.main`) on a small network (the
tiny network of test_scenarios_network replaces the bundled one), and asserts:
exit code 2; a message holding each of `names` (file, row, column, hint); no file
written anywhere under the test's folder (so none in --out, none beside it).

The README's "Bad input: what each gets" table is generated from CASES
(`python tools/bad_inputs_table.py`), and a test below keeps the two equal.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from test_maps_synthetic import synthetic_flows
from test_scenarios_network import _edge, _node, tiny_network

from tracer import api
from tracer.cli import main
from tracer.scenarios.catalog import bundled_dir

SITES = Path(__file__).parent / "fixtures" / "mine_db" / "sites.csv"
README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bad-inputs:start -->", "<!-- bad-inputs:end -->"

Make = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: what it is, the command, the file it needs, what the message must name."""

    id: str
    area: str
    what: str
    args: tuple[str, ...]
    names: tuple[str, ...]
    make: Make | None = None
    network: Callable[[], nx.DiGraph] | None = field(default=None, compare=False)


def _text(name: str, text: str) -> Make:
    return lambda folder: (folder / name).write_bytes(text.encode("utf-8"))


def _sites(edit: Callable[[pd.DataFrame], pd.DataFrame | None], name: str = "sites.csv", sep: str = ",") -> Make:
    """The fixture site table, changed by `edit`, written as `name`."""

    def make(folder: Path) -> None:
        table = pd.read_csv(SITES)
        changed = edit(table)  # a new table, or None when `edit` changed `table` in place
        (table if changed is None else changed).to_csv(folder / name, index=False, sep=sep)

    return make


def _set(row: int, column: str, value: object) -> Callable[[pd.DataFrame], None]:
    def edit(table: pd.DataFrame) -> None:
        table[column] = table[column].astype(object)
        table.loc[row - 2, column] = value

    return edit


def _rename(old: str, new: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda table: table.rename(columns={old: new})


def _dupe_id(table: pd.DataFrame) -> None:
    table.loc[1, "mine_id"] = table.loc[0, "mine_id"]


def _excel_second_sheet(folder: Path) -> None:
    with pd.ExcelWriter(folder / "sites.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"about": ["site table on the next sheet"]}).to_excel(writer, sheet_name="README", index=False)
        pd.read_csv(SITES).to_excel(writer, sheet_name="mines", index=False)


def _loop(gain: float) -> Callable[[], nx.DiGraph]:
    """The tiny network with copper recycled into the smelter: loop gain `gain`."""

    def network() -> nx.DiGraph:
        G = tiny_network()
        _node(G, "recycling:cu:CHN", "recycling", commodity="copper")
        _edge(G, "material:copper_wire", "recycling:cu:CHN", gain)
        _edge(G, "recycling:cu:CHN", "smelting:cu:CHN", 1.0)
        return G

    return network


def _tiny_with(change: Callable[[nx.DiGraph], None]) -> Callable[[], nx.DiGraph]:
    def network() -> nx.DiGraph:
        G = tiny_network()
        change(G)
        return G

    return network


def _set_node(node: str, **attrs: object) -> Callable[[nx.DiGraph], None]:
    return lambda G: G.nodes[node].update(attrs)


def _set_edge(u: str, v: str, amount: float) -> Callable[[nx.DiGraph], None]:
    return lambda G: G.edges[u, v].update(amount=amount)


def _file(name: str) -> Make:
    return lambda folder: (folder / name).write_text("x")


MINES = ("graph", "export", "--mines")
OUT = ("--out", "{out}")
FLEET = ("run", "--fleet", "{dir}/fleet.csv", *OUT)
SCENARIO = ("compare", "baseline")
NETWORK = ("run", *OUT)
SOURCING = ("graph", "export", "--sourcing", "{dir}/sourcing.csv", *OUT)
SOURCING_HEAD = "commodity,origin,amount,content_factor,unit,source\n"
FLOWS = "{dir}/flows.csv"
_SCENARIO_HEAD = '[scenario]\nname = "rc"\ntitle = "t"\ndescription = "d"\n'

CASES: tuple[Case, ...] = (
    # mine tables
    Case("sites-header-only", "mine table", "header row, no sites", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "no sites"), _text("sites.csv", SITES.read_text().splitlines()[0] + "\n")),
    Case("sites-misspelled-column", "mine table", "misspelled column `grade_pcnt`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 1", "column 'grade_pcnt'", "did you mean 'grade_pct'"),
         _sites(_rename("grade_pct", "grade_pcnt"))),
    Case("sites-missing-column", "mine table", "required column `metal_t` spelled `metal_tonnes`",
         (*MINES, "{dir}/sites.csv", *OUT), ("sites.csv", "row 1", "column 'metal_t'", "did you mean 'metal_tonnes'"),
         _sites(_rename("metal_t", "metal_tonnes"))),
    Case("sites-semicolons", "mine table", "semicolon-separated CSV (Excel in many locales)",
         (*MINES, "{dir}/sites.csv", *OUT), ("sites.csv", "row 1", "semicolons"), _sites(lambda t: None, sep=";")),
    Case("sites-decimal-comma-unquoted", "mine table", "decimal comma `1,5` (unquoted)",
         (*MINES, "{dir}/sites.csv", *OUT), ("sites.csv", "row 2", "decimal comma"),
         _text("sites.csv", SITES.read_text().replace(",0.85,", ",0,85,", 1))),
    Case("sites-decimal-comma-quoted", "mine table", 'decimal comma `"0,9"` (quoted)',
         (*MINES, "{dir}/sites.csv", *OUT), ("sites.csv", "row 3", "column 'recovery'", "decimal comma"),
         _sites(_set(3, "recovery", "0,9"))),
    Case("sites-grade-pct-150", "mine table", "`grade_pct` 150", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 4", "column 'grade_pct'", "grade_pct = 150"), _sites(_set(4, "grade_pct", 150))),
    Case("sites-grade-fraction-5", "mine table", "bare `grade` 5 (percent meant?)", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'grade'", "grade_pct"),
         _sites(lambda t: t.rename(columns={"grade_pct": "grade"}).assign(grade=5.0))),
    Case("sites-negative-ore", "mine table", "negative `ore_t`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 3", "column 'ore_t'", "negative"), _sites(_set(3, "ore_t", -5))),
    Case("sites-unknown-commodity", "mine table", "unknown commodity", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'commodity'"), _sites(_set(2, "commodity", "unobtainium"))),
    Case("sites-unknown-country", "mine table", "unknown country `Atlantis`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'country'", "Atlantis"), _sites(_set(2, "country", "Atlantis"))),
    Case("sites-misspelled-country", "mine table", "country `Chilee`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 3", "column 'country'", "did you mean 'Chile'"), _sites(_set(3, "country", "Chilee"))),
    Case("sites-misspelled-commodity", "mine table", "commodity `coper`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'commodity'", "did you mean 'copper'"), _sites(_set(2, "commodity", "coper"))),
    Case("sites-latitude-95", "mine table", "latitude 95", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'latitude'"), _sites(_set(2, "latitude", 95))),
    Case("sites-duplicate-id", "mine table", "the same `mine_id` twice", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 3", "column 'mine_id'", "duplicate"),
         _sites(_dupe_id)),
    Case("sites-year-fraction", "mine table", "year 2019.5", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'year'", "whole number"), _sites(_set(2, "year", 2019.5))),
    Case("sites-unknown-mine-type", "mine table", "unknown `mine_type` (openpit)", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'mine_type'", "did you mean 'open_pit'"), _sites(_set(2, "mine_type", "openpit"))),
    Case("sites-empty-metal", "mine table", "empty `metal_t`", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 2", "column 'metal_t'", "empty"), _sites(_set(2, "metal_t", None))),
    Case("sites-grade-twice", "mine table", "`grade` and `grade_pct` both given", (*MINES, "{dir}/sites.csv", *OUT),
         ("sites.csv", "row 1", "given twice"), _sites(lambda t: t.assign(grade=0.01))),
    Case("sites-unsupported-type", "mine table", "unsupported file type (.txt)", (*MINES, "{dir}/sites.txt", *OUT),
         ("sites.txt", "unsupported file type"), _file("sites.txt")),
    Case("sites-not-found", "mine table", "file not found", (*MINES, "{dir}/missing.csv", *OUT),
         ("missing.csv", "not found")),
    Case("sites-excel-other-sheet", "mine table", "Excel workbook with the sites on its second sheet",
         (*MINES, "{dir}/sites.xlsx", *OUT), ("sites.xlsx", "sheet 'mines'"), _excel_second_sheet),
    # fleet
    Case("fleet-header-only", "fleet", "header row, no vehicles", FLEET, ("fleet.csv", "row 2", "no vehicles"),
         _text("fleet.csv", "vehicle,count\n")),
    Case("fleet-negative", "fleet", "negative count", FLEET, ("fleet.csv", "row 2", "column 'count'"),
         _text("fleet.csv", "vehicle,count\nBEV,-5\n")),
    Case("fleet-misspelled-vehicle", "fleet", "vehicle id `BEB`", FLEET,
         ("fleet.csv", "row 2", "column 'vehicle'", "did you mean 'BEV'"), _text("fleet.csv", "vehicle,count\nBEB,5\n")),
    Case("fleet-twice", "fleet", "a vehicle listed twice", FLEET, ("fleet.csv", "row 3", "column 'vehicle'"),
         _text("fleet.csv", "vehicle,count\nBEV,5\nBEV,6\n")),
    Case("fleet-not-a-number", "fleet", "count `many`", FLEET, ("fleet.csv", "row 2", "column 'count'", "not a number"),
         _text("fleet.csv", "vehicle,count\nBEV,many\n")),
    Case("fleet-infinite", "fleet", "count `inf`", FLEET, ("fleet.csv", "row 2", "column 'count'", "not finite"),
         _text("fleet.csv", "vehicle,count\nBEV,inf\n")),
    Case("fleet-1e308", "fleet", "count 1e308 (the result overflows)", FLEET, ("overflow", "1e+308"),
         _text("fleet.csv", "vehicle,count\nBEV,1e308\n")),
    Case("fleet-semicolons", "fleet", "semicolon-separated CSV", FLEET, ("fleet.csv", "row 1", "semicolons"),
         _text("fleet.csv", "vehicle;count\nBEV;5\n")),
    Case("fleet-misspelled-column", "fleet", "column `cuont`", FLEET,
         ("fleet.csv", "row 1", "column 'cuont'", "did you mean 'count'"), _text("fleet.csv", "vehicle,cuont\nBEV,5\n")),
    Case("fleet-decimal-comma", "fleet", "decimal comma `1,5` (unquoted)", FLEET,
         ("fleet.csv", "row 2", "decimal comma"), _text("fleet.csv", "vehicle,count\nBEV,1,5\n")),
    Case("fleet-decimal-comma-quoted", "fleet", 'decimal comma `"1,5"` (quoted)', FLEET,
         ("fleet.csv", "row 2", "column 'count'", "decimal comma"), _text("fleet.csv", 'vehicle,count\nBEV,"1,5"\n')),
    Case("fleet-not-found", "fleet", "file not found", FLEET, ("fleet.csv", "cannot read")),
    # suppliers (sourcing shares)
    Case("sourcing-unknown-origin", "suppliers", "origin `Atlantis`", SOURCING,
         ("sourcing.csv", "row 2", "column 'origin'"), _text("sourcing.csv", SOURCING_HEAD + "copper,Atlantis,5,1,t,x\n")),
    Case("sourcing-negative", "suppliers", "negative amount", SOURCING, ("sourcing.csv", "row 2", "column 'amount'"),
         _text("sourcing.csv", SOURCING_HEAD + "copper,CHL,-5,1,t,x\n")),
    Case("sourcing-unknown-commodity", "suppliers", "unknown commodity", SOURCING,
         ("sourcing.csv", "row 2", "column 'commodity'"), _text("sourcing.csv", SOURCING_HEAD + "kryptonite,CHL,5,1,t,x\n")),
    Case("sourcing-no-source", "suppliers", "a row without a source", SOURCING,
         ("sourcing.csv", "row 2", "column 'source'"), _text("sourcing.csv", SOURCING_HEAD + "copper,CHL,5,1,t,\n")),
    Case("sourcing-misspelled-uncertainty", "suppliers", "column `uncertainity`", SOURCING,
         ("sourcing.csv", "row 1", "column 'uncertainity'", "did you mean 'uncertainty'"),
         _text("sourcing.csv", SOURCING_HEAD.replace("source", "source,uncertainity")
               + "copper,CHL,5,1,t,x,lognormal(1, 0.1)\n")),
    # scenarios
    Case("scenario-path-traversal", "scenario", "name `../../x` reaching a TOML outside the bundle",
         (*SCENARIO, "{escape}", *OUT), ("unknown scenario", "not bundled"),
         lambda d: (d / "evil.toml").write_text((bundled_dir() / "lfp.toml").read_text())),
    Case("scenario-misspelled", "scenario", "name `lpf`", (*SCENARIO, "lpf", *OUT), ("did you mean 'lfp'",)),
    Case("scenario-missing-file", "scenario", "file not found", (*SCENARIO, "{dir}/mine.toml", *OUT),
         ("mine.toml", "not found")),
    Case("scenario-bad-toml", "scenario", "TOML syntax error", (*SCENARIO, "{dir}/bad.toml", *OUT), ("bad.toml",),
         _text("bad.toml", "[scenario\nname = 'x'\n")),
    Case("scenario-share-above-1", "scenario", "recycled share 1.5", (*SCENARIO, "{dir}/rc.toml", *OUT),
         ("rc.toml", "share"),
         _text("rc.toml", _SCENARIO_HEAD + '[recycled_content.copper]\nshare = 1.5\nsource = "test"\n')),
    Case("scenario-misspelled-lever", "scenario", "table `[recycled_contnet.copper]`", (*SCENARIO, "{dir}/rc.toml", *OUT),
         ("rc.toml", "column 'recycled_contnet'", "did you mean 'recycled_content'"),
         _text("rc.toml", _SCENARIO_HEAD + '[recycled_contnet.copper]\nshare = 0.5\nsource = "test"\n')),
    Case("scenario-misspelled-key", "scenario", "key `shar` for `share`", (*SCENARIO, "{dir}/rc.toml", *OUT),
         ("rc.toml", "column 'recycled_content.copper.shar'", "did you mean 'share'"),
         _text("rc.toml", _SCENARIO_HEAD + '[recycled_content.copper]\nshar = 0.5\nsource = "test"\n')),
    Case("scenario-misspelled-commodity", "scenario", "commodity `coper`", (*SCENARIO, "{dir}/rc.toml", *OUT),
         ("rc.toml", "column 'recycled_content.coper'", "did you mean 'copper'"),
         _text("rc.toml", _SCENARIO_HEAD + '[recycled_content.coper]\nshare = 0.5\nsource = "test"\n')),
    # networks
    Case("network-unknown-country", "network", "a node in country `Atlantis`", NETWORK,
         ("mine:cu:CHL", "unknown country 'Atlantis'"), network=_tiny_with(_set_node("mine:cu:CHL", country="Atlantis"))),
    Case("network-negative-amount", "network", "a negative edge amount", NETWORK,
         ("market:cu_conc:CHN -> smelting:cu:CHN", "negative"),
         network=_tiny_with(_set_edge("market:cu_conc:CHN", "smelting:cu:CHN", -4.0))),
    Case("network-infinite-amount", "network", "an infinite edge amount", NETWORK,
         ("market:cu_conc:CHN -> smelting:cu:CHN", "not a finite"),
         network=_tiny_with(_set_edge("market:cu_conc:CHN", "smelting:cu:CHN", float("inf")))),
    Case("network-unknown-kind", "network", "a node of unknown kind", NETWORK, ("component:body", "unknown kind"),
         network=_tiny_with(_set_node("component:body", kind="widget"))),
    Case("network-amount-1e308", "network", "an edge amount of 1e308 (the result overflows)", NETWORK, ("overflow",),
         network=_tiny_with(_set_edge("market:cu_conc:CHN", "smelting:cu:CHN", 1e308))),
    Case("network-loop-gain-near-1", "network", "a recycling loop of gain 1 - 1e-13 (ill-conditioned)", NETWORK,
         ("ill-conditioned", "recycling:cu:CHN"), network=_loop(1 - 1e-13)),
    Case("network-loop-gain-above-1", "network", "a recycling loop of gain 1.5", NETWORK,
         ("cannot be solved", "recycling:cu:CHN"), network=_loop(1.5)),
    # command-line options
    Case("out-is-a-file", "option", "`--out` is an existing file", ("run", "--out", "{dir}/taken"),
         ("'--out'", "existing file"), _file("taken")),
    Case("out-under-a-file", "option", "`--out` inside a file", ("run", "--out", "{dir}/taken/sub"),
         ("'--out'", "is a file"), _file("taken")),
    Case("out-not-writable", "option", "`--out` where nothing can be written", ("run", "--out", "/proc/hf-out"),
         ("'--out'", "cannot write")),
    Case("report-out-is-a-folder", "option", "`report --out` is a folder", ("report", "--out", "{dir}"),
         ("'--out'", "is a folder")),
    Case("home-unknown", "option", "`--home Atlantis`", ("run", "--home", "Atlantis", *OUT),
         ("'--home'", "unknown country 'Atlantis'")),
    Case("map-format", "option", "`map --format bmp`", ("map", "--format", "bmp", "--flows", FLOWS, *OUT),
         ("option --format", "bmp"), lambda d: synthetic_flows().to_csv(d / "flows.csv", index=False)),
    Case("map-difference-without-baseline", "option", "`map --view difference` without a baseline",
         ("map", "--view", "difference", "--flows", FLOWS, *OUT), ("option --baseline",),
         lambda d: synthetic_flows().to_csv(d / "flows.csv", index=False)),
    Case("sweep-steps", "option", "`sweep --steps 1`", ("sweep", "recycled_content.copper.share", "--from", "0",
                                                       "--to", "1", "--steps", "1", *OUT), ("option --steps",)),
    Case("sweep-values", "option", "`sweep --values 0.1,abc`", ("sweep", "recycled_content.copper.share",
                                                               "--values", "0.1,abc", *OUT), ("option --values",)),
)


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def _small_world(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "default_network", tiny_network)
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series({"ICEV": 90.0, "BEV": 10.0}))
    monkeypatch.setenv("COLUMNS", "400")  # one line per message: no wrapping inside the names asserted


def run_case(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, set[Path]]:
    """Run `case` in `folder`: exit code, message (whitespace collapsed), the files present before the run."""
    if case.make is not None:
        case.make(folder)
    before = _files(folder)
    if case.network is not None:
        monkeypatch.setattr(api, "default_network", case.network)
    escape = os.path.relpath(folder / "evil", bundled_dir())  # a bundled "name" that walks out of the bundle
    args = [a.format(dir=folder, out=folder / "out", escape=escape) for a in case.args]
    monkeypatch.setattr(sys, "argv", ["tracer", *args])
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit) as exit_info:
        main()
    return int(exit_info.value.code or 0), " ".join(err.getvalue().split()), before


def test_the_catalogue_is_large_and_covers_every_area() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.area for c in CASES} == {"mine table", "fleet", "suppliers", "scenario", "network", "option"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, message, before = run_case(case, tmp_path, monkeypatch)
    assert code == 2, message
    for name in case.names:
        assert name in message, f"{name!r} not in: {message}"
    assert _files(tmp_path) == before  # nothing written: not in --out, not beside it
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".*"))  # no staging folder left either


@pytest.mark.parametrize("command", ["map", "sankey"])
def test_labels_cannot_put_files_outside_out(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A vehicle label `../../../x` (from a flows file) becomes part of a file name, sanitised."""
    flows = synthetic_flows()
    flows["vehicle"] = flows["vehicle"].replace({"BEV-LFP": "../../../x"})
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    flows.to_csv(work / "flows.csv", index=False)
    out = work / "out"
    monkeypatch.setattr(sys, "argv", ["tracer", command, "--vehicle", "../../../x", "--flows", str(work / "flows.csv"),
                                      "--format", "svg", "--out", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 0
    written = _files(tmp_path) - {work / "flows.csv", out / "datapackage.json"}
    assert written and all(p.parent == out for p in written), sorted(written)
    assert all("x" in p.name and ".." not in p.name for p in written)


def markdown_table() -> str:
    """The README table of the catalogue (what each bad input gets)."""
    lines = ["| input | bad input | command | exit | the message names |", "|---|---|---|---|---|"]
    for case in CASES:
        command = " ".join(a.replace("{dir}/", "").replace("{dir}", "DIR").replace("{out}", "OUT")
                           .replace("{escape}", "../../x") for a in case.args)
        names = ", ".join(f"`{n}`" for n in case.names)
        lines.append(f"| {case.area} | {case.what} | `tracer {command}` | 2 | {names} |")
    return "\n".join(lines)


def test_readme_lists_the_catalogue() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(START) + len(START):text.index(END)].strip()
    assert section == markdown_table(), "README out of date: run python tools/bad_inputs_table.py"


def test_byte_order_marks_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's 'CSV UTF-8' starts with a BOM: the first column is still `vehicle` / `mine_id`."""
    from graphs import load_fleet
    from mine_db import load

    (tmp_path / "fleet.csv").write_bytes("\ufeffvehicle,count\nBEV,5\n".encode())
    assert load_fleet(tmp_path / "fleet.csv")["BEV"] == 5
    (tmp_path / "sites.csv").write_bytes(("\ufeff" + SITES.read_text()).encode())
    assert load(tmp_path / "sites.csv")["mine_id"].tolist() == load(SITES)["mine_id"].tolist()


def test_db_validate_refuses_a_header_only_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sites.csv").write_text(SITES.read_text().splitlines()[0] + "\n")
    monkeypatch.setattr(sys, "argv", ["tracer", "db", "validate", str(tmp_path / "sites.csv")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2


def test_api_run_checks_the_network_it_is_given() -> None:
    G = tiny_network()
    G.nodes["mine:cu:PER"]["country"] = "Atlantis"
    with pytest.raises(api.InputError, match=r"\[country\] mine:cu:PER: unknown country 'Atlantis'"):
        api.run({"BEV": 1.0}, network=G)
