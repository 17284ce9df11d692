"""tracer: solve the supply-chain network and attribute hidden flows to vehicles,
materials, components, mines and countries."""

from pathlib import Path

from hfcommon.output import SET_DESCRIBERS

__version__ = "0.1.0"


def _write_datapackage(folder: Path) -> None:
    """Every committed output set gets its `datapackage.json` (tracer.exchange.datapackage)."""
    from tracer.exchange.datapackage import write_datapackage

    write_datapackage(folder)


SET_DESCRIBERS.append(_write_datapackage)
