"""The one progress display of the CLI: a transient bar (or spinner) on stderr.

Silent with --json (`quiet`) or when stderr is not a terminal, so JSON output and
piped logs stay clean. Library functions take plain callbacks (`on_step(name)`,
`progress(n)`); `Bar.stage` and `Bar.advance` are those callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from tracer.commands.options import stderr


class Bar:
    """Callbacks for a library function; they do nothing when the display is off."""

    def __init__(self, progress: Progress | None = None, task: TaskID | None = None) -> None:
        self._progress, self._task, self._started = progress, task, False

    def advance(self, n: int = 1) -> None:
        """`n` more units of work done."""
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def stage(self, name: str) -> None:
        """A new stage begins: count the previous one as done and show this one's name."""
        if self._progress is None or self._task is None:
            return
        if self._started:
            self._progress.advance(self._task)
        self._started = True
        self._progress.update(self._task, description=name)


@contextmanager
def progress_bar(label: str, total: int | None, quiet: bool = False) -> Iterator[Bar]:
    """A bar counting to `total` (with ETA), or a spinner with elapsed time when `total` is None."""
    if quiet or not stderr.is_terminal:
        yield Bar()
        return
    if total is None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    else:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=stderr, transient=True) as progress:
        yield Bar(progress, progress.add_task(label, total=total))


def bars(quiet: bool) -> Callable[[str, int], AbstractContextManager[Callable[[int], None]]]:
    """`progress(label, total)` for library functions that open several bars in turn."""

    @contextmanager
    def open_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
        with progress_bar(label, total, quiet) as bar:
            yield bar.advance

    return open_bar
