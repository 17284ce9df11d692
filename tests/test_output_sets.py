"""Output sets (hfcommon.output): committed whole or not at all, even under SIGKILL; names cannot escape.

The kill tests run a writer in a subprocess that signals (a marker file) when it is
in the middle of writing a set, then kill it with SIGKILL: the folder must still hold
the previous complete set, and the next writer must clean the leftovers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hfcommon.errors import InputError, NonFiniteOutputError
from hfcommon.output import (
    check_out,
    clean_stale,
    output_set,
    safe_name,
    to_json,
    write_json,
    write_set,
    write_table,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_describers(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests pin hfcommon's commit alone: the datapackage.json that tracer.commands adds to
    every set (once imported, in this process) is tested in test_exchange_datapackage."""
    monkeypatch.setattr("hfcommon.output.SET_DESCRIBERS", [])

#: Writes one set (table + summary, both stamped with `generation`); with `pause`, stops
#: after the table (marker file written) until killed.
WRITER = """
import sys, time
from pathlib import Path
import pandas as pd
from hfcommon.output import output_set, write_json, write_table
out, generation, pause = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "pause"
with output_set(out) as stage:
    write_table(pd.DataFrame({"generation": [generation] * 200_000}), stage / "flows")
    if pause:
        (out.parent / "marker").write_text("mid-write")
        time.sleep(60)
    write_json({"generation": generation}, stage / "summary.json")
"""


def _write(out: Path, generation: int, pause: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(out), str(generation), "pause" if pause else "go"],
                            env=env)


def _generations(out: Path) -> set[int]:
    """Generations stamped in the set's files (one value means a consistent set)."""
    flows = pd.read_parquet(out / "flows.parquet")["generation"].unique().tolist()
    summary = json.loads((out / "summary.json").read_text())["generation"]
    return {*flows, summary}


def _kill_mid_write(out: Path, generation: int) -> None:
    marker = out.parent / "marker"
    marker.unlink(missing_ok=True)
    proc = _write(out, generation, pause=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, "the writer ended before reaching the pause"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_sigkill_mid_write_leaves_the_previous_complete_set(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _write(out, 1, pause=False).wait() == 0
    (out / "notes.txt").write_text("mine")  # a file of the user's, not of the set
    _kill_mid_write(out, 2)
    assert _generations(out) == {1}
    assert sorted(p.name for p in out.iterdir()) == ["flows.parquet", "notes.txt", "summary.json"]
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert len(leftovers) == 1  # the killed writer's staging folder, beside the target
    assert _write(out, 3, pause=False).wait() == 0
    assert _generations(out) == {3}
    assert (out / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_sigkill_before_the_first_set_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    _kill_mid_write(out, 1)
    assert not out.exists()


def test_a_failure_inside_the_set_keeps_the_old_set(tmp_path: Path) -> None:
    out = tmp_path / "run"
    write_set(out, lambda stage: [write_json({"generation": 1}, stage / "summary.json")])
    with pytest.raises(RuntimeError), output_set(out) as stage:
        write_json({"generation": 2}, stage / "summary.json")
        raise RuntimeError("drawing failed")
    assert json.loads((out / "summary.json").read_text()) == {"generation": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_write_set_returns_committed_paths(tmp_path: Path) -> None:
    written = write_set(tmp_path / "a", lambda stage: [write_table(pd.DataFrame({"x": [1]}), stage / "t", "csv")])
    assert written == [tmp_path / "a" / "t.csv"] and written[0].is_file()


def test_stale_staging_of_a_dead_writer_is_removed_and_live_one_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".run.{dead.pid}.abc.part"
    live = tmp_path / f".run.{os.getpid()}.def.part"
    for folder in (stale, live):
        folder.mkdir()
        (folder / "flows.parquet").write_bytes(b"PAR1 truncated")
    assert clean_stale(tmp_path) == [stale]
    assert live.exists() and not stale.exists()


def test_an_old_set_parked_by_a_killed_exchange_is_restored(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    parked = tmp_path / f".run.{dead.pid}.x.part" / "run"
    parked.mkdir(parents=True)
    (parked / "summary.json").write_text("{}")
    clean_stale(tmp_path)
    assert (tmp_path / "run" / "summary.json").read_text() == "{}"


@pytest.mark.parametrize(("label", "name"), [("../../x", "x"), ("/etc/passwd", "etc_passwd"), ("..", "unnamed"),
                                             ("BEV-NMC811", "BEV-NMC811"), ("a b\\c", "a_b_c")])
def test_safe_name(label: str, name: str) -> None:
    assert safe_name(label) == name
    assert Path(safe_name(label)).name == safe_name(label)


def test_check_out(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="existing file") as info:
        check_out(tmp_path / "file")
    assert info.value.column == "--out" and str(info.value).startswith("option --out")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_out(tmp_path / "file" / "sub")
    with pytest.raises(InputError, match="is a folder"):
        check_out(tmp_path, directory=False)
    with pytest.raises(InputError, match="cannot write"):
        check_out(Path("/proc/hidden-flow-out"))
    assert check_out(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_infinite_numbers_are_never_written(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1.0, np.inf]})
    with pytest.raises(NonFiniteOutputError) as info:
        write_table(frame, tmp_path / "flows")
    assert (info.value.file, info.value.row, info.value.column) == ("flows.parquet", 3, "value")
    with pytest.raises(NonFiniteOutputError) as info:
        write_json({"by_stressor_t": {"tailings": float("inf")}}, tmp_path / "summary.json")
    assert (info.value.file, info.value.column) == ("summary.json", "by_stressor_t.tailings")
    assert list(tmp_path.iterdir()) == []
    assert to_json({"ratio": float("nan")}) == '{\n  "ratio": null\n}'  # NaN: a figure that is not defined


def test_the_working_folder_is_written_into_not_swapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.chdir(tmp_path)
    inode = os.stat(tmp_path).st_ino
    assert write_set(Path("."), lambda stage: [write_json({"a": 1}, stage / "summary.json")]) == [Path("summary.json")]
    assert os.stat(tmp_path).st_ino == inode and Path.cwd() == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "summary.json"]


def test_a_committed_folder_has_ordinary_permissions(tmp_path: Path) -> None:
    out = tmp_path / "new"
    write_set(out, lambda stage: [write_json({}, stage / "a.json")])
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(out).st_mode & 0o777 == 0o777 & ~umask
    out.chmod(0o750)
    write_set(out, lambda stage: [write_json({}, stage / "a.json")])
    assert os.stat(out).st_mode & 0o777 == 0o750


def test_leftovers_inside_the_folder_are_not_carried_into_the_next_set(tmp_path: Path) -> None:
    out = tmp_path / "run"
    write_set(out, lambda stage: [write_json({}, stage / "summary.json")])
    for leftover in (".flows.parquet.k2j3h4.part", ".staged.x1y2.part"):  # names older versions left behind
        (out / leftover).mkdir()
        (out / leftover / "flows.parquet").write_bytes(b"PAR1 truncated")
    write_set(out, lambda stage: [write_json({}, stage / "summary.json")])
    assert [p.name for p in out.iterdir()] == ["summary.json"]


#: `tracer run --out` on the tiny network, stopped (until killed) after flows and coefficients are written.
RUN_CLI = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import pandas as pd
from test_scenarios_network import tiny_network
from tracer import api
from tracer.commands import run
from tracer.cli import main
api.default_network = tiny_network
fleet = pd.Series({"BEV": float(sys.argv[2])})
api.default_fleet = lambda: fleet
marker, write_json = Path(sys.argv[1]).parent / "marker", run.write_json
def paused(obj, path):
    marker.write_text("mid-write")
    time.sleep(60)
    return write_json(obj, path)
if sys.argv[2] == "2":
    run.write_json = paused
sys.argv = ["tracer", "run", "--out", sys.argv[1], "--json"]
main()
"""


def test_sigkill_during_tracer_run_keeps_flows_and_summary_of_one_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}

    def start(vehicles: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", RUN_CLI, str(out), str(vehicles), str(ROOT / "tests")],
                                env=env, stdout=subprocess.DEVNULL)

    assert start(1).wait() == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = start(2)
    deadline = time.monotonic() + 120
    while not (tmp_path / "marker").exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # flows, coefficients, summary of run 1
    assert json.loads((out / "summary.json").read_text())["vehicles_produced"]["BEV"] == 1
