"""Big forecasts from the command line: planned a chunk of whole queues at a time.

``plan``, ``evaluate`` and ``compare`` read a forecast either at once or, when it is big,
in chunks of whole queues (whole pools of queues that share agents), streaming the
interval table to its file and keeping only the summary's parts in memory
(:mod:`staffing.io.chunks`). The result is the same either way, byte for byte in CSV.

**When.** ``--chunk-queues N`` plans N queues (pools) at a time. Otherwise a forecast file
of more than :data:`AUTO_FILE_BYTES` is looked at first, and planned in chunks of at most
:data:`CHUNK_ROWS` rows, fewer if the memory left (or ``--memory-budget``) holds fewer at
:data:`BYTES_PER_ROW` each; a spreadsheet is read at once. Outputs that need the whole
interval table at once (``--plot``, ``--report``, an ``.xlsx`` interval table) are made
from one chunk holding everything, if it fits.

**Too big.** A queue is planned whole: when the biggest one needs more memory than there
is, or the whole table does and an output needs it whole, the run stops with one line
naming the queue, its rows and the memory needed, before the forecast is read.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

__all__ = [
    "AUTO_FILE_BYTES",
    "BYTES_PER_ROW",
    "CHUNK_ROWS",
    "Chunking",
    "ForecastRun",
    "Progress",
]

#: Forecast files above this size are looked at before they are read, to be chunked.
AUTO_FILE_BYTES = 32 << 20
#: Rows of a chunk chosen automatically (bigger chunks are no faster).
CHUNK_ROWS = 250_000
#: Memory a forecast row takes while it is planned, with its interval table [bytes]
#: (measured: 3.5 M rows of Erlang A took 530 bytes a row at once; with room to spare).
BYTES_PER_ROW = 800


@dataclass(frozen=True)
class Chunking:
    """``--chunk-queues`` and ``--memory-budget``: how a forecast is cut into chunks."""

    per_chunk: int | None = None
    budget: int | None = None

    def memory(self) -> tuple[int, str]:
        """The bytes the rows may take, and how to say where that figure comes from."""
        if self.budget is not None:
            return self.budget, "the --memory-budget"
        from staffing.io.chunks import memory_available

        return memory_available(), "the memory available"


class Progress:
    """A progress bar on stderr when it is a terminal (nothing otherwise): rows done over
    all chunks, and the phase (reading, solving, writing) in its label."""

    def __init__(self, total: int, label: str) -> None:
        self.label = label
        self.phases: list[str] = []  # every phase shown, in order
        self._bar: Any = None
        if sys.stderr.isatty() and total > 0:
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def phase(self, text: str) -> None:
        """Show ``text`` as the label (``chunk 3/10: solving``)."""
        self.phases.append(text)
        if self._bar is not None:
            self._bar.label = f"{self.label} ({text})"
            self._bar.render_progress()

    @property
    def update(self) -> Any:
        """The callable the library's ``progress`` argument takes (None without a bar)."""
        return self._bar.update if self._bar is not None else None


@dataclass
class ForecastRun:
    """A forecast file about to be planned: at once, or in chunks of whole queues.

    Parameters
    ----------
    source : Source
        The forecast named on the command line.
    chunking : Chunking
        ``--chunk-queues`` and ``--memory-budget``.
    whole : list of str
        The options given that need the whole interval table at once (``--plot``...).
    """

    source: Any
    chunking: Chunking
    whole: list[str] = field(default_factory=list)
    census: Any = None
    groups: list[range] = field(default_factory=list)

    def __post_init__(self) -> None:
        from staffing.errors import InputError
        from staffing.io.chunks import census, format_bytes

        path = Path(self.source.path)
        given = self.chunking.per_chunk is not None or self.chunking.budget is not None
        if not given and (not path.is_file() or path.stat().st_size <= AUTO_FILE_BYTES):
            return
        if not given and path.suffix.lower() not in (".csv", ".tsv", ".txt", ".parquet"):
            return
        found = census(path, self.source.options)
        budget, said = self.chunking.memory()
        biggest = int(found.unit_rows.argmax()) if len(found.units) else 0
        rows = int(found.unit_rows[biggest]) if len(found.units) else 0
        if rows * BYTES_PER_ROW > budget:
            raise InputError(
                f"{found.describe(biggest)} has {rows:,} rows, which need about "
                f"{format_bytes(rows * BYTES_PER_ROW)} to plan at once (a queue is planned "
                f"whole), more than {said} ({format_bytes(budget)}): give a machine with "
                "more memory, or split the queue into several",
                source=found.source,
            )
        self.census = found
        if self.whole:
            self.read_whole(self.whole)
            return  # read at once: the figure and the report show every interval
        if self.chunking.per_chunk is not None:
            groups = found.groups(per_chunk=self.chunking.per_chunk)
        else:
            groups = found.groups(max_rows=max(min(CHUNK_ROWS, budget // BYTES_PER_ROW), 1))
        self.groups = groups

    def read_whole(
        self,
        needs: list[str],
        advice: str = "write --out and --summary as .csv or .parquet, which are written a "
        "chunk at a time",
    ) -> None:
        """Read the forecast at once after all, because ``needs`` (options, in words) need
        every queue together; one line, ending in ``advice``, when it does not fit."""
        from staffing.errors import InputError
        from staffing.io.chunks import format_bytes

        if self.census is None:
            return
        from staffing.io import tables

        if "--out .xlsx" in needs and self.census.rows + 1 > tables.EXCEL_MAX_ROWS:
            raise InputError(
                f"--out .xlsx: the interval table would have {self.census.rows:,} rows, more "
                "than a spreadsheet holds; use .csv or .parquet",
                source=self.census.source,
            )
        budget, said = self.chunking.memory()
        need = self.census.rows * BYTES_PER_ROW
        if need > budget:
            raise InputError(
                f"{' and '.join(needs)} {'needs' if len(needs) == 1 else 'need'} the whole "
                "interval table at once: "
                f"{self.census.rows:,} rows need about {format_bytes(need)}, more than {said} "
                f"({format_bytes(budget)}); {advice}",
                source=self.census.source,
            )
        self.census = None
        self.groups = []

    @property
    def chunked(self) -> bool:
        """Whether the forecast is read in chunks (else :meth:`Source.table` at once)."""
        return self.census is not None

    @property
    def rows(self) -> int:
        return int(self.census.rows) if self.census is not None else 0

    @property
    def in_file_order(self) -> bool:
        """Whether chunk results come in the file's row order (else they are merged)."""
        return bool(self.census is None or self.census.contiguous or len(self.groups) == 1)

    def dates(self) -> dict[str, bool]:
        """Whether the interval starts are whole days (the CSV writer must be told)."""
        if self.census is None or not self.census.stamps:
            return {}
        return {"interval_start": self.census.whole_days(self.source.options)}

    def each(self, bar: Progress) -> Generator[tuple[str, Any], None, None]:
        """The chunks in order with the bar's prefix for each (``chunk 3/10``); the bar
        shows each one's reading and solving, and the file is closed however it ends."""
        n = len(self.groups)
        chunks = self.chunks()
        try:
            for k in range(n):
                name = f"chunk {k + 1}/{n}"
                bar.phase(f"{name}: reading")
                chunk = next(chunks)
                bar.phase(f"{name}: solving")
                yield name, chunk
        finally:
            chunks.close()

    def chunks(self) -> Generator[Any, None, None]:
        """The chunks (:class:`staffing.io.chunks.Chunk`), each table named after the file."""
        for chunk in self.census.chunks(self.groups, self.source.options):
            chunk.frame.attrs["source"] = self.census.source
            yield chunk
