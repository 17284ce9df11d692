"""The CLI starts without heavy libraries, and its lazy listing matches the real commands."""

from __future__ import annotations

import inspect
import subprocess
import sys

import typer

from tracer import cli

HEAVY = ("pandas", "scipy", "matplotlib", "geopandas", "plotly", "dask", "SALib", "networkx", "numba")


def _imported_after(code: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """Run `code` in a fresh interpreter and return which of `modules` (heavy libraries) it imported."""
    probe = f"{code}\nimport sys\nprint('heavy:' + ','.join(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [name for name in out.stdout.strip().splitlines()[-1].removeprefix("heavy:").split(",") if name]


def test_importing_the_cli_imports_no_heavy_library():
    assert _imported_after("import tracer.cli") == []


def test_root_help_imports_no_heavy_library():
    code = (
        "from tracer.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    assert _imported_after(code) == []


def test_running_a_command_imports_only_its_module():
    code = (
        "from tracer.cli import app\n"
        "try:\n    app(['scenarios', 'list', '--json'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    imported = _imported_after(code)
    assert not {"matplotlib", "geopandas", "plotly", "dask", "SALib"} & set(imported)


def test_tracing_the_default_fleet_imports_only_what_it_uses():
    """`tracer run` reads the bundled mine table without geopandas (its geometry repeats latitude/longitude)
    and solves the acyclic default network by propagation, without scipy.sparse.linalg (0.1 s to import)."""
    code = (
        "import contextlib, io\nfrom tracer.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        app(['run', '--json'])\n    except SystemExit as exit:\n        assert exit.code == 0, exit.code"
    )
    imported = _imported_after(code, (*HEAVY, "scipy.sparse.linalg"))
    assert {"pandas", "scipy", "networkx"} <= set(imported)
    assert not {"matplotlib", "geopandas", "plotly", "dask", "SALib", "scipy.sparse.linalg"} & set(imported)


def test_lazy_listing_matches_what_the_modules_register():
    """Same names, same order, and each summary is the first paragraph of the real help."""
    real: dict[str, str] = {}
    for module in dict.fromkeys(lazy.module for lazy in cli.COMMANDS.values()):
        for name, command in cli.load_module_commands(module).items():
            real[name] = " ".join(inspect.cleandoc(command.help or "").split("\n\n")[0].split())
    assert {name: lazy.summary for name, lazy in cli.COMMANDS.items()} == real


def test_placeholders_become_real_commands_on_use():
    """A placeholder has no callback or options; the command that runs has both."""
    group = typer.main.get_command(cli.app)
    ctx = typer.Context(group)
    run = group.get_command(ctx, "run")
    assert run is not None and run.callback is not None and run.params
