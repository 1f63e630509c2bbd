"""Big forecasts from the command line: the options and the progress bar.

``plan``, ``evaluate`` and ``compare`` hand a forecast file to the library
(:func:`staffing.plan_file` and its kin, :mod:`staffing.io.pipeline`), which reads it at
once or in chunks of whole queues, streams the interval table and keeps only the
summary's parts in memory. Here are only what the command line adds: ``--chunk-queues``
and ``--memory-budget`` (:class:`Chunking`) and a progress bar on a terminal
(:class:`Progress`, the library's ``progress`` callback).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from staffing.cli.progress import progress_bar
from staffing.io.pipeline import AUTO_FILE_BYTES, BYTES_PER_ROW, CHUNK_ROWS, ForecastFile

__all__ = [
    "AUTO_FILE_BYTES",
    "BYTES_PER_ROW",
    "CHUNK_ROWS",
    "Chunking",
    "ForecastRun",
    "Progress",
]


@dataclass(frozen=True)
class Chunking:
    """``--chunk-queues`` and ``--memory-budget``: how a forecast is cut into chunks."""

    per_chunk: int | None = None
    budget: int | None = None

    def options(self) -> dict[str, Any]:
        """The library's keyword arguments (``chunk_queues``, ``memory_budget``)."""
        return {"chunk_queues": self.per_chunk, "memory_budget": self.budget}


class Progress:
    """A progress bar on stderr when it is a terminal (nothing otherwise): rows done over
    all chunks, and the phase (reading, solving, writing) in its label.

    An instance is the library's ``progress`` callback: it takes each
    :class:`~staffing.io.pipeline.FileProgress`. ``total`` rows may be 0 (not yet known):
    the bar then starts when the library first says how many rows there are.
    """

    def __init__(self, total: int = 0, label: str = "") -> None:
        self.label = label
        self.total = total
        self.phases: list[str] = []  # every phase shown, in order
        self._context: AbstractContextManager[Any] | None = None
        self._bar: Any = None
        self._done = 0
        self._entered = False

    def _start(self, total: int) -> None:
        if self._context is None and self._entered and total > 0:
            self._context = progress_bar(total, self.label)
            self._bar = self._context.__enter__()

    def __enter__(self) -> Progress:
        self._entered = True
        self._start(self.total)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)

    def __call__(self, step: Any) -> None:
        """Show a :class:`~staffing.io.pipeline.FileProgress`."""
        self._start(step.rows)
        text = str(step)
        if not self.phases or self.phases[-1] != text:
            self.phase(text)
        if self._bar is not None and step.rows_done > self._done:
            self._bar.update(step.rows_done - self._done)
        self._done = step.rows_done

    def phase(self, text: str) -> None:
        """Show ``text`` as the label (``chunk 3/10: solving``)."""
        self.phases.append(text)
        if self._bar is not None:
            self._bar.label = f"{self.label} ({text})"
            self._bar.render_progress()


class ForecastRun(ForecastFile):
    """A forecast named on the command line (a :class:`~staffing.cli.options.Source`)
    with ``--chunk-queues`` and ``--memory-budget``, looked at by the library.

    ``whole``: the options given that need the whole interval table at once.
    """

    def __init__(self, source: Any, chunking: Chunking, whole: Sequence[str] = ()) -> None:
        super().__init__(source.path, source.options, whole=whole, **chunking.options())
