"""Fixtures shared by several test modules, defined once.

Helpers that build synthetic inputs stay in their modules (test_maps_synthetic,
test_scenarios_network, test_engine_networks); the fixtures that wrap them live here.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import networkx as nx
import pandas as pd
import pytest
from test_maps_synthetic import synthetic_flows, synthetic_mines
from test_scenarios_network import tiny_network

SITES_CSV = Path(__file__).parent / "fixtures" / "mine_db" / "sites.csv"
DEFAULTS_TOOLS = Path(__file__).resolve().parents[1] / "tools" / "defaults"
TINY_FLEET = {"ICEV": 90.0, "BEV": 8.0, "BEV-LFP": 2.0}


@pytest.fixture()
def sites() -> pd.DataFrame:
    """The fixture site file as read, before validation (a fresh copy per test)."""
    return pd.read_csv(SITES_CSV)


@pytest.fixture(scope="module")
def loaded_sites() -> pd.DataFrame:
    """The same file through mine_db's pipeline (validated, gap-filled, flows derived)."""
    from mine_db.loaders import read_sites

    return read_sites(SITES_CSV)


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    """The bundled default mine database."""
    from mine_db.default import load_default

    return load_default()


@pytest.fixture(scope="module")
def flows() -> pd.DataFrame:
    """A synthetic flow table with the columns `tracer run` writes."""
    return synthetic_flows()


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    """The synthetic mine table that matches `flows`."""
    return synthetic_mines()


@pytest.fixture(scope="module")
def named_mines() -> pd.DataFrame:
    """The bundled named-mine source table (mines.csv) as written, by mine_id."""
    from mine_db.default import read_mines

    return read_mines().set_index("mine_id")


@pytest.fixture(scope="module")
def built_mines() -> pd.DataFrame:
    """The default table built afresh from the source tables (what the shipped parquet must equal), by mine_id."""
    from mine_db.default import build_default

    return build_default()[0].set_index("mine_id")


@pytest.fixture()
def tiny_defaults(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Make the tiny network (or the module's TINY_NETWORK) and a 100-car fleet the defaults.

    Modules opt in with `pytestmark = pytest.mark.usefixtures("tiny_defaults")`.
    """
    from tracer import api

    network: Callable[[], nx.DiGraph] = getattr(request.module, "TINY_NETWORK", tiny_network)
    monkeypatch.setattr(api, "default_network", network)
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series(TINY_FLEET))


@pytest.fixture(scope="session")
def recovery_reads() -> ModuleType:
    """tools/defaults/recovery_reads.py, a script outside the package."""
    return _defaults_script("recovery_reads")


@pytest.fixture(scope="session")
def strip_reads() -> ModuleType:
    """tools/defaults/strip_reads.py, a script outside the package."""
    return _defaults_script("strip_reads")


def _defaults_script(name: str) -> ModuleType:
    """A script of tools/defaults loaded as a module (it imports its sibling `reads`, hence the path)."""
    path = DEFAULTS_TOOLS / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(DEFAULTS_TOOLS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(DEFAULTS_TOOLS))
    return module
