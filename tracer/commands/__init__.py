"""CLI commands, one module per room; each exposes `register(app)`.

Every output set a command commits (`--out DIR`) gets its `datapackage.json`: the data-package
writer is registered with `hfcommon.output` here, where the commands begin.
"""

from pathlib import Path

from hfcommon.output import SET_DESCRIBERS


def _write_datapackage(folder: Path) -> None:
    from tracer.exchange.datapackage import write_datapackage

    write_datapackage(folder)


SET_DESCRIBERS.append(_write_datapackage)
