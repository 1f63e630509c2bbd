"""Forecast files of any size planned, evaluated and compared in one call, in flat memory.

:func:`~staffing.io.plan_file`, :func:`~staffing.io.evaluate_file` and
:func:`~staffing.io.compare_file` take the path of a forecast and the paths to write,
and do the rest: they look at the file, decide whether to read it at once or in chunks
of whole queues, plan each chunk, stream the interval table to its file on a writer
thread, keep only the summary's parts in memory, report progress, and write every output
all or none. The files are the same either way, byte for byte in CSV.

**When chunks.** ``chunk_queues=N`` plans N queues (pools of queues that share agents) at
a time. Otherwise a CSV, TSV or Parquet forecast of more than :data:`AUTO_FILE_BYTES` is
looked at first (``staffing.io.chunks.census``) and planned in chunks of at most
:data:`CHUNK_ROWS` rows, fewer if the memory left (or ``memory_budget``) holds fewer at
:data:`BYTES_PER_ROW` each; a spreadsheet is read at once. What needs the whole interval
table at once (``keep_intervals``, an ``.xlsx`` interval table, a sweep, a roster naming
pools of queues) is made from one chunk holding everything, if it fits.

**Too big.** A queue is planned whole: when the biggest one needs more memory than there
is, or the whole table does and something needs it whole, the run stops with one line
naming the queue, its rows and the memory needed, before the forecast is planned.

**Outputs.** Every file goes through an :class:`~staffing.io.OutputSet`: written to a
temporary file beside its destination and moved into place only when every output of the
run is complete, so a run that fails (or is stopped) leaves every destination as it was.
``"-"`` is standard output: a table streamed chunk by chunk is held in a temporary file
and copied to standard output only when the run has succeeded, so a late error never
leaves half a table in a pipe.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from staffing.errors import InputError
from staffing.io import tables
from staffing.io.chunks import Census, Chunk, InOrder, census, format_bytes, memory_available
from staffing.io.readers import ReadOptions, read_roster
from staffing.io.tables import OutputSet, TableSink, warn_sheet_ignored

if TYPE_CHECKING:
    from staffing.planner import ChannelRules, FteRules, QueueModel
    from staffing.simulation import SimulationOptions

__all__ = [
    "AUTO_FILE_BYTES",
    "BYTES_PER_ROW",
    "CHUNK_ROWS",
    "FileProgress",
    "FileResult",
    "ForecastFile",
    "compare_file",
    "evaluate_file",
    "plan_file",
    "run_chunks",
]

PathLike = str | os.PathLike[str]

#: Forecast files above this size are looked at before they are read, to be chunked [bytes].
AUTO_FILE_BYTES = 32 << 20
#: Rows of a chunk chosen automatically (bigger chunks are no faster).
CHUNK_ROWS = 250_000
#: Memory a forecast row takes while it is planned, with its interval table [bytes]
#: (measured: 3.5 M rows of Erlang A took 530 bytes a row at once; with room to spare).
BYTES_PER_ROW = 800
_STREAMED_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet")
_WHOLE_ADVICE = "write `out` and `summary` as .csv or .parquet, which are written a chunk at a time"


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class FileProgress:
    """Where a run over a forecast file stands, as handed to a ``progress`` callback.

    Attributes
    ----------
    phase : str
        ``"reading"``, ``"solving"``, ``"writing"``, ``"merging"`` (the chunks' rows
        written back in the file's row order) or ``"summary"``.
    chunk : int
        The chunk being worked on, from 1 (0 when the forecast is read at once).
    chunks : int
        How many chunks there are (0 when the forecast is read at once).
    rows_done : int
        Forecast rows solved so far, over all chunks.
    rows : int
        Forecast rows in all (0 while not yet known).

    Examples
    --------
    >>> str(FileProgress("solving", 3, 10, 600_000, 2_500_000))
    'chunk 3/10: solving'
    >>> str(FileProgress("merging", 10, 10, 2_500_000, 2_500_000))
    "writing in the file's row order"
    """

    phase: str
    chunk: int = 0
    chunks: int = 0
    rows_done: int = 0
    rows: int = 0

    def __str__(self) -> str:
        """Say the phase as a progress bar shows it (``chunk 3/10: solving``)."""
        if self.phase == "merging":
            return "writing in the file's row order"
        if self.phase == "summary" or not self.chunks:
            return self.phase
        return f"chunk {self.chunk}/{self.chunks}: {self.phase}"


ProgressCallback = Callable[[FileProgress], None]


class _Tracker:
    """Rows done over all chunks, told to the caller's callback (if any)."""

    def __init__(self, callback: ProgressCallback | None, rows: int, chunks: int) -> None:
        self.callback = callback
        self.rows = rows
        self.chunks = chunks
        self.chunk = 0
        self.done = 0
        self.phase = ""

    def __call__(self, phase: str, chunk: int | None = None) -> None:
        self.phase = phase
        if chunk is not None:
            self.chunk = chunk
        self._tell()

    def solved(self, rows: int) -> None:
        """Count ``rows`` more rows solved (the planner's ``progress`` argument)."""
        self.done += int(rows)
        self._tell()

    def _tell(self) -> None:
        if self.callback is not None:
            self.callback(FileProgress(self.phase, self.chunk, self.chunks, self.done, self.rows))


# --------------------------------------------------------------------------- the file


class ForecastFile:
    """A forecast file about to be read: at once, or in chunks of whole queues.

    Looking at the file (the census) and choosing the chunks happens here, on
    construction; the too-big checks too, so a job that cannot run stops before any
    planning.

    Parameters
    ----------
    path : str or path-like
        The forecast (CSV, TSV, TXT, Parquet or Excel).
    read : ReadOptions, optional
        Its column mapping and date rules.
    chunk_queues : int, optional
        Plan this many queues (pools) at a time, whatever the file's size.
    memory_budget : int or str, optional
        Memory the forecast's rows may take [bytes], or ``"512MB"``, ``"2GB"``
        (default: what the system has available).
    whole : sequence of str, optional
        What needs the whole interval table at once, in words for messages (the
        forecast is then read at once, if it fits).
    spill_dir : str, optional
        Where temporary files go (default: the system's temporary directory).

    Raises
    ------
    InputError
        The biggest queue, or the whole table when ``whole`` is given, needs more memory
        than the budget.
    """

    def __init__(
        self,
        path: PathLike,
        read: ReadOptions | None = None,
        *,
        chunk_queues: int | None = None,
        memory_budget: int | str | None = None,
        whole: Sequence[str] = (),
        spill_dir: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.read = read or ReadOptions()
        self.chunk_queues = _positive("chunk_queues", chunk_queues)
        self.memory_budget = _budget(memory_budget)
        self.spill_dir = spill_dir
        self.census: Census | None = None
        self.groups: list[range] = []
        given = self.chunk_queues is not None or self.memory_budget is not None
        if not given and (not self.path.is_file() or self.path.stat().st_size <= AUTO_FILE_BYTES):
            return
        if not given and self.path.suffix.lower() not in _STREAMED_SUFFIXES:
            return
        warn_sheet_ignored(self.path, self.read.sheet, self.path.name)
        found = census(self.path, self.read, spill_dir=spill_dir)
        budget, said = self.memory()
        biggest = int(found.unit_rows.argmax()) if len(found.units) else 0
        rows = int(found.unit_rows[biggest]) if len(found.units) else 0
        if rows * BYTES_PER_ROW > budget:
            found.close()
            raise InputError(
                f"{found.describe(biggest)} has {rows:,} rows, which need about "
                f"{format_bytes(rows * BYTES_PER_ROW)} to plan at once (a queue is planned "
                f"whole), more than {said} ({format_bytes(budget)}): give a machine with "
                "more memory, or split the queue into several",
                source=found.source,
            )
        self.census = found
        if whole:
            self.need_whole(whole)
            return  # read at once: whatever needs every interval has them
        if self.chunk_queues is not None:
            self.groups = found.groups(per_chunk=self.chunk_queues)
        else:
            self.groups = found.groups(max_rows=max(min(CHUNK_ROWS, budget // BYTES_PER_ROW), 1))

    def memory(self) -> tuple[int, str]:
        """Give the bytes the rows may take, and where that figure comes from, in words."""
        if self.memory_budget is not None:
            return self.memory_budget, "the `memory_budget`"
        return memory_available(), "the memory available"

    def need_whole(self, needs: Sequence[str], advice: str = _WHOLE_ADVICE) -> None:
        """Read the forecast at once after all, because ``needs`` need every queue together.

        ``needs`` says what needs them, in words; when the table does not fit, the run
        stops with one line ending in ``advice``.
        """
        if self.census is None:
            return
        found = self.census
        budget, said = self.memory()
        need = found.rows * BYTES_PER_ROW
        if need > budget:
            self.close()  # found keeps what the message needs
            raise InputError(
                f"{' and '.join(needs)} {'needs' if len(needs) == 1 else 'need'} the whole "
                "interval table at once: "
                f"{found.rows:,} rows need about {format_bytes(need)}, more than {said} "
                f"({format_bytes(budget)}); {advice}",
                source=found.source,
            )
        self.close()

    def close(self) -> None:
        """Forget the census (and remove what it keeps on disk): read at once."""
        if self.census is not None:
            self.census.close()
        self.census = None
        self.groups = []

    def __enter__(self) -> ForecastFile:
        """Give the file, closed at the end of the block."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the file (see :meth:`close`)."""
        self.close()

    @property
    def chunked(self) -> bool:
        """Whether the forecast is read in chunks (else :meth:`table` at once)."""
        return self.census is not None

    @property
    def source(self) -> str:
        """The forecast's name in messages."""
        return self.census.source if self.census is not None else self.path.name

    @property
    def rows(self) -> int:
        """Rows of the forecast (0 when read at once: not counted beforehand)."""
        return int(self.census.rows) if self.census is not None else 0

    @property
    def in_file_order(self) -> bool:
        """Whether chunk results come in the file's row order (else they are merged)."""
        return bool(self.census is None or self.census.contiguous or len(self.groups) == 1)

    def queue_names(self) -> set[str]:
        """Queues that are units of their own (in no pool); empty when read at once."""
        return self.census.queue_names() if self.census is not None else set()

    def dates(self) -> dict[str, bool]:
        """Whether the interval starts are whole days (the CSV writer must be told)."""
        if self.census is None or not self.census.stamps:
            return {}
        return {"interval_start": self.census.whole_days(self.read)}

    def table(self) -> pd.DataFrame:
        """Read the whole forecast at once, with our column names and its timestamps."""
        return self.read.read(self.path)

    def chunks(self) -> Generator[Chunk, None, None]:
        """Give the chunks (``staffing.io.chunks.Chunk``), each named after the file."""
        assert self.census is not None, "read at once: use table()"
        for chunk in self.census.chunks(self.groups, self.read, self.spill_dir):
            chunk.frame.attrs["source"] = self.census.source
            yield chunk


def _positive(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise InputError(f"`{name}` {value!r}: give a whole number of at least 1")
    return int(value)


def _budget(value: int | str | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        from staffing.io.chunks import parse_bytes

        try:
            value = parse_bytes(value)
        except ValueError as exc:
            raise InputError(f"`memory_budget`: {exc}") from None
    if isinstance(value, bool) or value <= 0:
        raise InputError(f"`memory_budget` {value!r}: give a size above 0 (e.g. 2GB)")
    return int(value)


# --------------------------------------------------------------------------- the chunk loop


def run_chunks(
    file: ForecastFile,
    solve: Callable[[pd.DataFrame, Callable[[int], None]], pd.DataFrame | None],
    *,
    parts: Any = None,
    sink: TableSink | None = None,
    finish: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    check: bool = True,
    progress: ProgressCallback | None = None,
) -> pd.DataFrame | None:
    """Work through a chunked forecast a chunk of whole queues at a time.

    Parameters
    ----------
    file : ForecastFile
        A forecast to be read in chunks (:attr:`ForecastFile.chunked`).
    solve : callable
        ``solve(frame, solved)`` gives a chunk's interval table (or None when it keeps
        its own results); ``solved(n)`` counts ``n`` more rows done.
    parts : SummaryParts, optional
        Gathers the summary (``staffing.planner.summary.SummaryParts`` or
        ``staffing.planner.evaluation.EvaluationParts``).
    sink : TableSink, optional
        Where the interval table streams, in the file's row order.
    finish : callable, optional
        The table as written, from the table as summarised (whole heads).
    check : bool, default True
        Give the plan's sanity warnings (``staffing.planner.sanity.SanityCheck``).
    progress : callable, optional
        Called with a :class:`FileProgress` as the work goes on.

    Returns
    -------
    DataFrame or None
        ``parts.summary()``, or None without ``parts``.
    """
    from staffing.planner.sanity import SanityCheck

    tracker = _Tracker(progress, file.rows, len(file.groups))
    sanity = SanityCheck(file.source)
    seen: set[str] = set()
    merge = InOrder(file.spill_dir) if sink is not None and not file.in_file_order else None
    chunks = file.chunks()
    try:
        for k in range(1, len(file.groups) + 1):
            tracker("reading", k)
            chunk = next(chunks)
            tracker("solving")
            with chunk.file_rows(seen):
                table = solve(chunk.frame, tracker.solved)
                if check and table is not None:
                    sanity.add(table, chunk.rows)
            if table is not None:
                if parts is not None:
                    parts.add(table)
                if finish is not None:
                    table = finish(table)
                if sink is not None:
                    tracker("writing")
                    if merge is not None:
                        merge.add(sink.arrow(table), chunk.rows)
                    else:
                        sink.write(table)
            del table, chunk
        if merge is not None:
            tracker("merging")
            merge.write(sink)
    finally:
        chunks.close()
        if merge is not None:
            merge.close()
    if check:
        sanity.warn()
    tracker("summary")
    return parts.summary() if parts is not None else None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FileResult:
    """What a file plan, evaluation or comparison made.

    Attributes
    ----------
    summary : DataFrame
        The summary per period and queue (plan, evaluate), or the comparison of the
        scenarios (compare; the sweep when there are no scenarios).
    intervals : DataFrame or None
        The interval table, when the forecast was read at once; None when it was planned
        in chunks (the table went to ``out`` a chunk at a time).
    rows : int
        Rows of the forecast.
    chunks : int
        Chunks the forecast was read in (1: at once).
    chunked : bool
        Whether it was read in chunks (after a first look at the file), else at once.
    forecast : DataFrame or None
        The forecast as read, when read at once (None in chunks).
    written : tuple of str
        The files written, in order (standard output not included).
    tables : dict of str to DataFrame
        Every table made, by name (``intervals`` and ``summary``; ``compare`` and
        ``sweep``).
    """

    summary: pd.DataFrame
    intervals: pd.DataFrame | None
    rows: int
    chunks: int
    chunked: bool
    forecast: pd.DataFrame | None = None
    written: tuple[str, ...] = ()
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Say how the forecast was read and what was written."""
        plural = "s" if self.chunks > 1 else ""
        how = f"in {self.chunks} chunk{plural}" if self.chunked else "at once"
        files = f", wrote {', '.join(self.written)}" if self.written else ""
        return f"FileResult({self.rows:,} rows read {how}{files})"


class _Writing:
    """The outputs of one library call.

    They go to the caller's :class:`OutputSet`, or to one of our own, committed when the
    call ends well.
    """

    def __init__(self, outputs: OutputSet | None) -> None:
        self.own = outputs is None
        self.set = outputs if outputs is not None else OutputSet()
        self.written: list[str] = []

    def __enter__(self) -> _Writing:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if self.own:
            self.set.__exit__(kind, value, traceback)

    def _note(self, path: PathLike) -> None:
        if str(path) != "-":
            self.written.append(str(path))

    def table(
        self, path: PathLike | None, table: pd.DataFrame | Mapping[str, pd.DataFrame]
    ) -> None:
        if path is None:
            return
        self.set.table(table, path)
        self._note(path)

    def tables(self, path: PathLike | None, made: Mapping[str, pd.DataFrame], main: str) -> None:
        """Every table into an .xlsx (one sheet each), the ``main`` one elsewhere."""
        if path is None:
            return
        self.table(path, made if str(path).lower().endswith(".xlsx") else made[main])

    @contextlib.contextmanager
    def stream(self, path: PathLike | None, dates: Mapping[str, bool]) -> Iterator[Any]:
        """Give a sink for ``path`` (None without a path), closed at the end of the block."""
        if path is None:
            yield None
            return
        sink = self.set.stream(path, dates)
        self._note(path)
        try:
            yield sink
        except BaseException:
            sink.abort()
            raise
        sink.close()


def _xlsx(path: PathLike | None) -> bool:
    return path is not None and str(path).lower().endswith(".xlsx")


def _needs(keep_intervals: bool | str | Sequence[str], out: PathLike | None) -> list[str]:
    """Say what needs the whole interval table, in words."""
    if isinstance(keep_intervals, str):
        needs = [keep_intervals]
    elif isinstance(keep_intervals, bool):
        needs = ["`keep_intervals`"] if keep_intervals else []
    else:
        needs = list(keep_intervals)
    if _xlsx(out):
        needs.append("`out` .xlsx")
    return needs


def _open(
    path: PathLike,
    read: ReadOptions | None,
    chunk_queues: int | None,
    memory_budget: int | str | None,
    needs: Sequence[str],
    out: PathLike | None,
    spill_dir: str | None,
) -> ForecastFile:
    file = ForecastFile(
        path, read, chunk_queues=chunk_queues, memory_budget=memory_budget, spill_dir=spill_dir
    )
    rows, source = file.rows, file.source
    if file.chunked and _xlsx(out) and rows + 1 > tables.EXCEL_MAX_ROWS:
        file.close()
        raise InputError(
            f"`out` .xlsx: the interval table would have {rows:,} rows, more "
            "than a spreadsheet holds; use .csv or .parquet",
            source=source,
        )
    if needs:
        file.need_whole(needs)
    return file


def _chunked_result(file: ForecastFile, summary: pd.DataFrame, writing: _Writing) -> FileResult:
    return FileResult(
        summary=summary,
        intervals=None,
        rows=file.rows,
        chunks=len(file.groups),
        chunked=True,
        written=tuple(writing.written),
        tables={"summary": summary},
    )


def _whole_result(result: Any, frame: pd.DataFrame, writing: _Writing) -> FileResult:
    """Give the result of a forecast read at once (from a Plan or an Evaluation)."""
    return FileResult(
        summary=result.summary,
        intervals=result.intervals,
        rows=len(frame),
        chunks=1,
        chunked=False,
        forecast=frame,
        written=tuple(writing.written),
        tables=result.tables(),
    )


def _whole_heads(table: pd.DataFrame) -> pd.DataFrame:
    from staffing.planner.requirement import round_heads

    round_heads(table)
    return table


# --------------------------------------------------------------------------- plan


def plan_file(
    path: PathLike,
    out: PathLike | None = None,
    *,
    targets: Any = None,
    summary: PathLike | None = None,
    read: ReadOptions | None = None,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    period: str = "week",
    threshold_s: float | None = None,
    method: str = "sipp",
    simulation: SimulationOptions | None = None,
    channels: ChannelRules | None = None,
    whole_heads: bool = False,
    chunk_queues: int | None = None,
    memory_budget: int | str | None = None,
    keep_intervals: bool | str | Sequence[str] = False,
    progress: ProgressCallback | None = None,
    outputs: OutputSet | None = None,
    spill_dir: str | None = None,
) -> FileResult:
    """Plan a forecast file of any size, writing the interval table and the summary.

    The file is read at once when it is small, else in chunks of whole queues (see the
    module notes); the files written are the same either way, byte for byte in CSV,
    and memory stays flat however many queues there are.

    Parameters
    ----------
    path : str or path-like
        The forecast: CSV (delimiter sniffed), TSV, Parquet or Excel, with
        ``interval_start``, optional ``queue``, ``calls``, ``aht_s``, optional
        ``patience_s`` (see :func:`staffing.planner.plan`).
    out : str or path-like, optional
        The interval table: ``.csv``, ``.parquet``, ``.xlsx`` (with the summary as a
        second sheet; read at once) or ``"-"`` for standard output.
    targets : str or sequence, optional
        Targets of every interval (``"80/20"``, ``["80/20", "abandon<=5%"]``).
    summary : str or path-like, optional
        The summary per period and queue: ``.csv``, ``.xlsx``, ``.parquet`` or ``"-"``.
    read : ReadOptions, optional
        The forecast's column mapping and date rules.
    targets_table, interval_s, model, fte, period, threshold_s, method, simulation
        As for :func:`staffing.planner.plan`.
    channels, whole_heads
        As for :func:`staffing.planner.plan`.
    chunk_queues : int, optional
        Plan this many queues (pools) at a time [default: chosen from the memory
        available for CSV, TSV and Parquet files over 32 MB].
    memory_budget : int or str, optional
        Memory the forecast's rows may take [bytes] or ``"512MB"``; a queue needing more
        stops the run before it starts.
    keep_intervals : bool, str or sequence of str, default False
        Return the interval table (``result.intervals``) even for a big forecast, read at
        once if it fits; a string (or several) names what needs it, in the message when
        it does not fit.
    progress : callable, optional
        Called with a :class:`FileProgress` as the work goes on.
    outputs : OutputSet, optional
        Stage the files in this set (the caller commits it, with files of its own);
        default: a set of this call's own, committed when the plan is done.
    spill_dir : str, optional
        Where temporary files go (default: the system's temporary directory).

    Returns
    -------
    FileResult
        The summary, the interval table when read at once, rows, chunks and files.

    Raises
    ------
    InputError
        An unreadable or invalid forecast (naming the file's rows), or a job too big for
        memory (before anything is planned).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from staffing.data import sample_path
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> result = plan_file(sample_path("forecast.csv"), d / "plan.csv", targets="80/20",
    ...                    summary=d / "summary.csv", chunk_queues=1)
    >>> result.chunks, result.rows, [pathlib.Path(p).name for p in result.written]
    (3, 454, ['plan.csv', 'summary.csv'])
    """
    from staffing.planner import plan
    from staffing.planner.requirement import plan_intervals
    from staffing.planner.summary import SummaryParts

    needs = _needs(keep_intervals, out)
    settings: dict[str, Any] = {
        "targets_table": targets_table,
        "interval_s": interval_s,
        "model": model,
        "fte": fte,
        "threshold_s": threshold_s,
        "method": method,
        "simulation": simulation,
        "channels": channels,
    }
    with (
        _open(path, read, chunk_queues, memory_budget, needs, out, spill_dir) as file,
        _Writing(outputs) as writing,
    ):
        if file.chunked:
            parts = SummaryParts(period=period, fte=fte)  # type: ignore[arg-type]
            with writing.stream(out, file.dates()) as sink:
                made = run_chunks(
                    file,
                    lambda frame, solved: plan_intervals(
                        frame, targets, progress=solved, **settings
                    ),
                    parts=parts,
                    sink=sink,
                    finish=_whole_heads if whole_heads else None,
                    progress=progress,
                )
            assert made is not None
            writing.table(summary, made)
            return _chunked_result(file, made, writing)
        tracker = _Tracker(progress, 0, 0)
        tracker("reading")
        frame = file.table()
        tracker.rows = len(frame)
        tracker("solving")
        result = plan(
            frame,
            targets,
            period=period,  # type: ignore[arg-type]
            progress=tracker.solved,
            whole_heads=whole_heads,
            **settings,
        )
        tracker("writing")
        writing.tables(out, result.tables(), "intervals")
        writing.table(summary, result.summary)
        return _whole_result(result, frame, writing)


# --------------------------------------------------------------------------- evaluate


def evaluate_file(
    path: PathLike,
    roster: PathLike | pd.DataFrame | None = None,
    out: PathLike | None = None,
    *,
    targets: Any = None,
    summary: PathLike | None = None,
    read: ReadOptions | None = None,
    roster_read: ReadOptions | None = None,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    period: str = "week",
    threshold_s: float | None = None,
    edges: Sequence[float] = (5.0, 10.0),
    channels: ChannelRules | None = None,
    chunk_queues: int | None = None,
    memory_budget: int | str | None = None,
    keep_intervals: bool | str | Sequence[str] = False,
    progress: ProgressCallback | None = None,
    outputs: OutputSet | None = None,
    spill_dir: str | None = None,
) -> FileResult:
    """Evaluate a given staffing over a forecast file of any size, in flat memory.

    Parameters
    ----------
    path : str or path-like
        The forecast, as for :func:`~staffing.io.plan_file`; with an ``agents`` column when no
        ``roster`` is given.
    roster : str, path-like or DataFrame, optional
        Agents per interval (``interval_start``, optional ``queue``, ``agents``), read
        whole; each chunk takes its queues' rows. A roster naming pools of queues (a
        schedule's coverage, ``a+b``) makes the forecast read at once.
    out, summary, read, chunk_queues, memory_budget, keep_intervals, progress, outputs, spill_dir
        As for :func:`~staffing.io.plan_file`.
    roster_read : ReadOptions, optional
        How the roster file is read (default: ``read``).
    targets, targets_table, interval_s, model, fte, period, threshold_s, edges, channels
        As for :func:`staffing.planner.evaluate_staffing`.

    Returns
    -------
    FileResult
        As for :func:`~staffing.io.plan_file`, the summary with its escalation-band counts.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from staffing.data import sample_path
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> planned = plan_file(sample_path("forecast.csv"), d / "plan.csv", targets="80/20")
    >>> result = evaluate_file(sample_path("forecast.csv"), d / "plan.csv", targets="90/10",
    ...                        chunk_queues=2)
    >>> result.chunks, int(result.summary["intervals_all_hands"].iloc[-1]) > 0
    (2, True)
    """
    from staffing.planner import evaluate_staffing
    from staffing.planner.evaluation import EvaluationParts, evaluate_intervals

    needs = _needs(keep_intervals, out)
    settings: dict[str, Any] = {
        "targets_table": targets_table,
        "interval_s": interval_s,
        "model": model,
        "fte": fte,
        "threshold_s": threshold_s,
        "channels": channels,
    }
    with (
        _open(path, read, chunk_queues, memory_budget, needs, out, spill_dir) as file,
        _Writing(outputs) as writing,
    ):
        staffing: pd.DataFrame | None = None
        if isinstance(roster, pd.DataFrame):
            staffing = roster
        elif roster is not None:
            staffing = read_roster(roster, options=roster_read or file.read)
        if file.chunked and staffing is not None and "queue" in staffing.columns:
            named = set(staffing["queue"].astype(str).unique())
            if not named <= file.queue_names():  # a schedule's pool: its queues together
                file.need_whole(
                    ["`roster` with pooled queues (a schedule's coverage)"],
                    "give a roster with one row per queue and interval, or more memory",
                )
        if file.chunked:

            def solve(frame: pd.DataFrame, solved: Callable[[int], None]) -> pd.DataFrame:
                mine = staffing
                if staffing is not None and "queue" in staffing.columns and "queue" in frame:
                    queues = set(frame["queue"].astype(str).unique())
                    chosen = staffing["queue"].astype(str).isin(queues)
                    mine = staffing[chosen].reset_index(drop=True)
                    mine.attrs = dict(staffing.attrs)
                table = evaluate_intervals(frame, mine, targets, edges=edges, **settings)
                solved(len(table))
                return table

            parts = EvaluationParts(period=period, fte=fte)  # type: ignore[arg-type]
            with writing.stream(out, file.dates()) as sink:
                made = run_chunks(
                    file, solve, parts=parts, sink=sink, check=False, progress=progress
                )
            assert made is not None
            writing.table(summary, made)
            return _chunked_result(file, made, writing)
        tracker = _Tracker(progress, 0, 0)
        tracker("reading")
        frame = file.table()
        tracker.rows = len(frame)
        tracker("solving")
        result = evaluate_staffing(
            frame,
            staffing,
            targets,
            edges=edges,
            period=period,  # type: ignore[arg-type]
            **settings,
        )
        tracker.solved(len(frame))
        tracker("writing")
        writing.tables(out, result.tables(), "intervals")
        writing.table(summary, result.summary)
        return _whole_result(result, frame, writing)


# --------------------------------------------------------------------------- compare


def compare_file(
    path: PathLike,
    scenarios: Sequence[Any] | str = (),
    out: PathLike | None = None,
    *,
    read: ReadOptions | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    cost_per_fte: float | None = None,
    threshold_s: float | None = None,
    method: str = "sipp",
    simulation: SimulationOptions | None = None,
    targets_table: pd.DataFrame | None = None,
    channels: ChannelRules | None = None,
    sweep: bool = False,
    at: str | None = None,
    fractions: Sequence[float] | None = None,
    thresholds_s: Sequence[float] | None = None,
    sweep_out: PathLike | None = None,
    chunk_queues: int | None = None,
    memory_budget: int | str | None = None,
    progress: ProgressCallback | None = None,
    outputs: OutputSet | None = None,
    spill_dir: str | None = None,
) -> FileResult:
    """Compare target scenarios over a forecast file of any size, in flat memory.

    Parameters
    ----------
    path : str or path-like
        The forecast, as for :func:`~staffing.io.plan_file`.
    scenarios : str or sequence
        Target scenarios, the first the baseline (see :func:`staffing.contracts.compare`).
    out : str or path-like, optional
        The comparison: ``.csv``, ``.parquet``, ``"-"``; an ``.xlsx`` holds the sweep too.
    read, chunk_queues, memory_budget, progress, outputs, spill_dir
        As for :func:`~staffing.io.plan_file`.
    interval_s, model, fte, cost_per_fte, threshold_s, method, simulation, targets_table, channels
        As for :func:`staffing.contracts.compare`.
    sweep : bool, default False
        Also sweep FTE against the service-level percentage and the threshold
        (:func:`staffing.contracts.sweep`; the forecast is read at once).
    at : str, optional
        The sweep's fixed point (default: the first scenario's service-level target,
        else ``"80/20"``).
    fractions, thresholds_s
        The sweep's percentages and thresholds (see :func:`staffing.contracts.sweep`).
    sweep_out : str or path-like, optional
        The sweep table (``.csv``, ``.xlsx``, ``.parquet``, ``"-"``).

    Returns
    -------
    FileResult
        ``summary`` the comparison (the sweep without scenarios); ``tables`` holds
        ``compare`` and ``sweep``.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> result = compare_file(sample_path("forecast.csv"), ["80/20", "90/10"], chunk_queues=1)
    >>> result.summary["scenario"].tolist(), result.chunks
    (['80/20', '90/10'], 3)
    """
    from staffing.contracts import Comparison, compare, parse_scenario
    from staffing.contracts import sweep as sweep_table

    items = [scenarios] if isinstance(scenarios, str) else list(scenarios)
    if not items and not sweep:
        raise InputError("no scenario: give `scenarios` (e.g. 80/20) or `sweep`")
    common: dict[str, Any] = {
        "interval_s": interval_s,
        "model": model,
        "fte": fte,
        "cost_per_fte": cost_per_fte,
    }
    needs = ["`sweep`"] if sweep else []
    with (
        _open(path, read, chunk_queues, memory_budget, (), None, spill_dir) as file,
        _Writing(outputs) as writing,
    ):
        if needs:
            file.need_whole(needs, "compare without `sweep`, or give more memory")
        made: dict[str, pd.DataFrame] = {}
        frame = None if file.chunked else file.table()
        rows = file.rows if frame is None else len(frame)
        options: dict[str, Any] = {
            "threshold_s": threshold_s,
            "method": method,
            "simulation": simulation,
            "targets_table": targets_table,
            "channels": channels,
            **common,
        }
        if items and frame is None:
            comparison = Comparison(items, source=file.source, **options)

            def add(chunk: pd.DataFrame, solved: Callable[[int], None]) -> None:
                comparison.add(chunk)
                solved(len(chunk))

            run_chunks(file, add, check=False, progress=progress)
            made["compare"] = comparison.table()
        elif items:
            made["compare"] = compare(frame, items, **options)  # type: ignore[arg-type]
        if sweep:
            if at is None:
                firsts = [t for s in items for t in parse_scenario(s).targets.service_levels]
                at = str(firsts[0]) if firsts else "80/20"
            assert frame is not None
            made["sweep"] = sweep_table(
                frame, at=at, fractions=fractions, thresholds_s=thresholds_s, **common
            )
        main = "compare" if "compare" in made else "sweep"
        writing.tables(out, made, main)
        if "sweep" in made:
            writing.tables(sweep_out, made, "sweep")
        return FileResult(
            summary=made[main],
            intervals=None,
            rows=rows,
            chunks=max(len(file.groups), 1),
            chunked=file.chunked,
            forecast=frame,
            written=tuple(writing.written),
            tables=made,
        )
