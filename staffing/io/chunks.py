"""A big table read in chunks of whole queues, and a big result written back in file order.

A year of 15-minute intervals for a thousand queues is 35 million rows: planned at once it
would hold gigabytes, yet the rows of one queue (or of one pool of queues sharing agents)
depend on nothing outside it. So a big forecast is read once, and its rows kept on disk:

1. :func:`census` reads the file, a batch of rows at a time: how many rows each queue
   has, in which order the queues come, whether each queue's rows are together, and
   every distinct timestamp (a year of 15-minute intervals is 35,040 of them, however
   many queues). It keeps the rows, as read, in a temporary Arrow file beside the
   others of the run, each row with the number of its queue and of its timestamp text in
   place of the text. The timestamps are read once, with one date convention for the
   whole file, and a job too big for memory is refused after this look, before any
   planning.
2. :meth:`Census.chunks` reads the kept rows back (no text is parsed again), a chunk of
   whole queues at a time, each as the same table :func:`~staffing.io.read_table` would
   give for those rows.

Where each queue's rows are together (a file sorted by queue), the rows stream straight
through. Where they are interleaved (a file sorted by time), each chunk's rows are first
sorted into a temporary file of their own, and :class:`InOrder` writes the chunks'
results back in the file's row order; either way the output is the one-shot run's, byte
for byte. Messages that name rows name the file's rows, not a chunk's.

Temporary files go to the system's temporary directory (``TMPDIR``) or the ``spill_dir``
given, in directories named ``staffing-KIND-PID-...``; they are removed when the run ends
or is stopped by SIGTERM, and those of a killed run (SIGKILL) by the next run that spills
in the same place. The kept rows take about as much disk as the CSV itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

from staffing.errors import InputError, StaffingWarning
from staffing.io.delimited import TextLayout, frame_from_arrow, sniff_text, stream_delimited
from staffing.io.tables import file_columns, normalise_table, scratch_directory, scratch_path

__all__ = [
    "Census",
    "Chunk",
    "InOrder",
    "census",
    "format_bytes",
    "memory_available",
    "parse_bytes",
    "renumber",
]

_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
_TEXT_TYPES = {pa.string(): _TEXT, pa.large_string(): _TEXT}
#: Rows read or spilled at a time.
BATCH_ROWS = 1 << 16
_KEY_SEP = "\x1f"
#: Columns the census adds to the rows it keeps: each row's unit and timestamp numbers.
_UNIT, _STAMP = "__unit", "__stamp"


# --------------------------------------------------------------------------- memory


def _meminfo_available() -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return None


def _cgroup_room() -> int | None:
    """Bytes left under a cgroup memory limit (v2, else v1), if there is one."""
    pairs = (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    )
    for limit_file, usage_file in pairs:
        with contextlib.suppress(OSError, ValueError):
            text = Path(limit_file).read_text().strip()
            if text == "max":
                return None
            limit = int(text)
            if limit >= 1 << 60:
                return None
            return max(limit - int(Path(usage_file).read_text().strip()), 0)
    return None


def _rlimit_room() -> int | None:
    """Bytes of address space left under ``ulimit -v`` (or ``ulimit -d``), if set."""
    rooms = []
    for kind, field_name in ((resource.RLIMIT_AS, "VmSize"), (resource.RLIMIT_DATA, "VmData")):
        soft, _ = resource.getrlimit(kind)
        if soft == resource.RLIM_INFINITY:
            continue
        used = 0
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith(field_name + ":"):
                    used = int(line.split()[1]) * 1024
        rooms.append(max(soft - used, 0))
    return min(rooms) if rooms else None


def memory_available() -> int:
    """Bytes this process may still use.

    The least of the memory the system has free, the room under a container's limit and
    under ``ulimit -v`` (4 GiB when none can be read).
    """
    found = [v for v in (_meminfo_available(), _cgroup_room(), _rlimit_room()) if v is not None]
    return min(found) if found else 4 << 30


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_bytes(text: str) -> int:
    """``"512MB"``, ``"1.5G"``, ``"2 GiB"`` or a number of bytes, as bytes (powers of 1024).

    Examples
    --------
    >>> parse_bytes("512MB"), parse_bytes("1.5g"), parse_bytes("2 GiB")
    (536870912, 1610612736, 2147483648)
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(?:i?b)?\s*", str(text).lower())
    if not m:
        raise ValueError(f"not a size: {text!r} (write e.g. 512MB or 2GB)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def format_bytes(n: float) -> str:
    """``1.3 GB``, ``512 MB`` (powers of 1024)."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{n:.0f} bytes"


# --------------------------------------------------------------------------- row numbers

_ROWS = re.compile(r"\b(rows?) (\d+(?:, \d+)*)")


def renumber(text: str, rows: np.ndarray) -> str:
    """``text`` with a chunk's row numbers turned into the file's.

    ``row 2`` is a chunk's first row; ``rows`` holds the file's data-row index, from 0, of
    each chunk row.

    Examples
    --------
    >>> renumber("3 rows (rows 2, 4, 5) negative", np.array([10, 11, 40, 41]))
    '3 rows (rows 12, 42, 43) negative'
    """

    def file_row(n: int) -> str:
        i = n - 2
        return str(int(rows[i]) + 2) if 0 <= i < len(rows) else str(n)

    def sub(m: re.Match[str]) -> str:
        numbers = ", ".join(file_row(int(v)) for v in m.group(2).split(", "))
        return f"{m.group(1)} {numbers}"

    return _ROWS.sub(sub, text)


def _renumbered(exc: InputError, rows: np.ndarray) -> InputError:
    mapped = [int(rows[r - 2]) + 2 if 0 <= r - 2 < len(rows) else r for r in exc.rows or []]
    return InputError(
        renumber(exc.problem, rows),
        source=exc.source,
        column=exc.column,
        rows=sorted(mapped) if exc.rows is not None else None,
    )


@contextlib.contextmanager
def file_rows(rows: np.ndarray, seen: set[str] | None = None) -> Iterator[None]:
    """Within the block, errors and warnings name the file's rows, not the chunk's.

    Warnings already given (``seen``, shared across chunks) are not repeated.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except InputError as exc:
            raise _renumbered(exc, rows) from None
    for w in caught:
        message = renumber(str(w.message), rows)
        if seen is not None:
            if message in seen:
                continue
            seen.add(message)
        category = w.category if issubclass(w.category, Warning) else StaffingWarning
        warnings.warn_explicit(message, category, w.filename, w.lineno)


# --------------------------------------------------------------------------- census


@dataclass
class _Units:
    """Queues (or pools) in order of first appearance, with their rows.

    And whether each one's rows are together.
    """

    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)
    contiguous: bool = True
    last: int = -1

    def _lookup(self, keys: Sequence[str]) -> np.ndarray:
        out = np.empty(len(keys), dtype=np.int64)
        for j, key in enumerate(keys):
            k = self.index.get(key)
            if k is None:
                k = self.index[key] = len(self.names)
                self.names.append(key)
                self.counts.append(0)
            out[j] = k
        return out

    def codes(
        self, batch: pa.RecordBatch | pa.Table, queue: str | None, pool: str | None
    ) -> np.ndarray:
        """Unit numbers of a batch's rows (units new to the file appended).

        The row's pool where it names one, else its queue.
        """
        n = batch.num_rows
        if queue is None:
            return np.full(n, self._lookup([_key("queue", "")])[0], dtype=np.int64)
        q_codes, q_values = _encode(batch.column(queue))
        keys = [_key("queue", v) for v in [*q_values, ""]]  # the last: missing queues
        local = q_codes
        if pool is not None:
            p_codes, p_values = _encode(batch.column(pool))
            named = np.array([bool(v) for v in p_values] + [False])[p_codes]
            local = np.where(named, len(keys) + p_codes, q_codes)
            keys += [_key("pool", v) for v in [*p_values, ""]]
        # units registered in the order their first row comes (looked for among the
        # first rows of runs of one unit: a few in a file sorted by queue)
        heads = np.flatnonzero(np.concatenate([[True], local[1:] != local[:-1]]))
        used, first = np.unique(local[heads], return_index=True)
        used = used[np.argsort(first, kind="stable")]
        lookup = np.full(len(keys), -1, dtype=np.int64)
        lookup[used] = self._lookup([keys[int(k)] for k in used])
        unit = lookup[local]
        return unit

    def add(self, codes: np.ndarray) -> None:
        """Count a batch's rows; a unit whose rows resume after another's breaks contiguity."""
        if not codes.size:
            return
        heads = np.concatenate([[0], np.flatnonzero(codes[1:] != codes[:-1]) + 1])
        runs = codes[heads]
        if self.contiguous:
            seen = np.asarray(self.counts, dtype=np.int64)[runs] > 0
            if runs[0] == self.last:
                seen[0] = False
            if seen.any() or len(np.unique(runs)) != len(runs):
                self.contiguous = False
        counts = np.bincount(codes, minlength=len(self.counts))
        for k in np.flatnonzero(counts):
            self.counts[int(k)] += int(counts[k])
        self.last = int(codes[-1])


@dataclass
class _Stamps:
    """Distinct timestamp texts, each with the file row where it first appears.

    And a number for each (its place in :attr:`known`) that the rows keep instead of their
    text.
    """

    first_row: dict[str, int] = field(default_factory=dict)
    known: pa.Array | None = None  # the texts of first_row (bar ""), in order of number

    def add(self, keys: pa.Array, offset: int) -> np.ndarray:
        """Take in a batch's timestamp texts (its first row the file's row ``offset``).

        The number of each row's text (-1 where missing).
        """
        if isinstance(keys, pa.ChunkedArray):
            keys = keys.combine_chunks()
        if self.known is None:
            numbers = np.full(len(keys), -1, dtype=np.int64)
        else:  # one hash lookup a row; texts seen before are all a batch holds, mostly
            found = pc.index_in(keys, value_set=self.known)
            numbers = np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False))
        unknown = np.flatnonzero(numbers < 0)
        if unknown.size:
            texts = keys.take(pa.array(unknown))
            present = np.asarray(texts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
            if not present.all() and "" not in self.first_row:
                self.first_row[""] = offset + int(unknown[np.argmin(present)])
            if present.any():
                rows = unknown[present]
                encoded = pc.dictionary_encode(texts.filter(pa.array(present)))
                local = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
                fresh = encoded.dictionary  # in the order of their first rows
                _, first = np.unique(local, return_index=True)
                for key, row in zip(fresh.to_pylist(), rows[first].tolist(), strict=True):
                    self.first_row.setdefault(key, offset + row)
                start = len(self.known) if self.known is not None else 0
                numbers[rows] = start + local
                self.known = fresh if self.known is None else pa.concat_arrays([self.known, fresh])
        return numbers.astype(np.int32)


def _id_key(value: Any) -> str:
    """An id as the reader gives it: text stripped, a whole number without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value == int(value):
            return str(int(value))
    return str(value).strip()


def _encode(col: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes of a column's values and their ids as text.

    Missing values get the last code (one past the distinct values).
    """
    encoded = pc.dictionary_encode(col)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.unify_dictionaries().combine_chunks()
    values = [_id_key(v) for v in encoded.dictionary.to_pylist()]
    codes = encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    return np.asarray(codes, dtype=np.int64), values


def _key(kind: str, name: str) -> str:
    return f"{kind}{_KEY_SEP}{name}"


def _all_midnights(col: pa.ChunkedArray | pa.Array) -> bool:
    """Whether every timestamp of a typed column is a midnight."""
    values = pd.Series(col.to_pandas())
    if values.dtype.kind != "M" and not isinstance(values.dtype, pd.DatetimeTZDtype):
        return False
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    values = values.dropna()
    return bool((values == values.dt.normalize()).all())


def _frame_midnights(frame: pd.DataFrame) -> bool:
    if "interval_start" not in frame.columns:
        return False
    return _all_midnights(pa.array(frame["interval_start"]))


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _stamp_keys(batch: pa.RecordBatch | pa.Table, names: Sequence[str]) -> pa.Array | None:
    """Timestamp text of each row (date and time joined), or None when typed already."""
    cols = [batch.column(n) for n in names]
    if not cols or any(not _is_text(c.type) for c in cols):
        return None
    cols = [pc.cast(c, pa.string()) for c in cols]
    if len(cols) == 1:
        return cols[0]
    date, time = (pc.fill_null(c, "") for c in cols)
    return pc.binary_join_element_wise(date, time, _KEY_SEP)


def _describe_unit(key: str) -> str:
    kind, _, name = key.partition(_KEY_SEP)
    if kind == "queue" and not name:
        return "the forecast (one queue)"
    return f"{kind} '{name}'"


@dataclass
class Census:
    """What the first look at a table file found (see :func:`census`)."""

    path: Path
    source: str
    columns: dict[str, str]  # options' mapping (ours -> the file's)
    names: dict[str, str]  # ours -> the file's column name
    rows: int
    units: list[str]
    unit_rows: np.ndarray
    contiguous: bool
    stamp_columns: tuple[str, ...]  # ours: ("interval_start",) or ("date", "time") or ()
    stamps: dict[str, int]  # distinct timestamp text -> first file row (0-based)
    layout: TextLayout | None = None
    encoding: str | None = None
    frame: pd.DataFrame | None = None  # a spreadsheet, read whole
    midnights: bool = False  # typed timestamps: whether every one is a midnight
    spill: Path | None = None  # the rows as read, in file order (an Arrow IPC stream)
    stamp_texts: pa.Array | None = None  # the text of each timestamp number in the spill
    _parsed_stamps: tuple[list[str], pd.Series] | None = None
    _remove: Any = None  # removes the spill's directory

    def close(self) -> None:
        """Remove the rows the census keeps on disk (the chunks can no longer be read)."""
        if self._remove is not None:
            self._remove()

    def describe(self, k: int) -> str:
        """``queue 'sales'`` or ``pool 'phones'``: unit ``k`` in messages."""
        return _describe_unit(self.units[k])

    def queue_names(self) -> set[str]:
        """The names of the queues that are units of their own (in no pool)."""
        prefix = f"queue{_KEY_SEP}"
        return {u[len(prefix) :] for u in self.units if u.startswith(prefix)}

    def groups(self, max_rows: int | None = None, per_chunk: int | None = None) -> list[range]:
        """Consecutive runs of units (in order of first appearance) for the chunks.

        At most ``per_chunk`` units each, or as many as fit in ``max_rows`` rows (at least
        one each).
        """
        n = len(self.units)
        if per_chunk is not None:
            step = max(int(per_chunk), 1)
            return [range(a, min(a + step, n)) for a in range(0, n, step)]
        limit = max_rows if max_rows is not None else self.rows
        out, start, size = [], 0, 0
        for k, rows in enumerate(self.unit_rows.tolist()):
            if k > start and size + rows > limit:
                out.append(range(start, k))
                start, size = k, 0
            size += rows
        out.append(range(start, n))
        return [g for g in out if len(g)]

    def whole_days(self, options: Any) -> bool:
        """Whether every interval start is a midnight (a table of days)."""
        if not self.stamp_columns or not self.stamps:
            return self.midnights
        _, parsed = self._parsed(options)
        values = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
        return bool((values == values.dt.normalize()).all())

    def _parsed(self, options: Any) -> tuple[list[str], pd.Series]:
        """The distinct timestamp texts (in order of first row) and their timestamps."""
        if self._parsed_stamps is not None:
            return self._parsed_stamps
        keys = list(self.stamps)
        first = np.array([self.stamps[k] for k in keys], dtype=np.int64)
        order = np.argsort(first, kind="stable")
        keys = [keys[i] for i in order]
        first = first[order]
        if len(self.stamp_columns) == 1:
            distinct = pd.DataFrame({self.stamp_columns[0]: pd.array(keys, dtype="str")})
        else:
            dates, times = zip(*(k.split(_KEY_SEP, 1) for k in keys), strict=True)
            distinct = pd.DataFrame(
                {
                    self.stamp_columns[0]: pd.array(dates, dtype="str"),
                    "time": pd.array(times, dtype="str"),
                }
            )
        distinct = distinct.replace("", np.nan)
        distinct.attrs["source"] = self.source
        with file_rows(first):
            parsed = options.timestamps(distinct)["interval_start"]
        self._parsed_stamps = (keys, parsed)
        return self._parsed_stamps

    def timestamps(self, options: Any) -> Callable[..., pd.DataFrame]:
        """A function giving a chunk its timestamp column.

        Every distinct text read once, with the one date convention of the whole file
        (``options``: ReadOptions).
        """
        if not self.stamp_columns or not self.stamps:
            return lambda df, raw=None: options.timestamps(df)
        keys, parsed = self._parsed(options)
        values = parsed.to_numpy()
        lookup = pd.Index(keys)
        dtype = parsed.dtype
        names = self.stamp_columns
        texts = pd.Index(self.stamp_texts.to_pylist() if self.stamp_texts is not None else [])
        by_number = np.empty(len(texts) + 1, dtype=values.dtype)  # the last: missing (-1)
        by_number[:-1] = values[lookup.get_indexer(texts)]
        if "" in self.stamps:
            by_number[-1] = values[lookup.get_loc("")]
        else:
            by_number[-1] = np.datetime64("NaT") if values.dtype.kind == "M" else pd.NaT

        def stamp(df: pd.DataFrame, numbers: np.ndarray | None = None) -> pd.DataFrame:
            if numbers is None:
                return options.timestamps(df)
            column = pd.Series(by_number[numbers], index=df.index, dtype=dtype)
            out = df.drop(columns=[c for c in (*names, "time") if c in df.columns])
            out.insert(0, "interval_start", column)
            out.attrs = dict(df.attrs)
            return out

        return stamp

    def chunks(
        self, groups: Sequence[range], options: Any, spill_dir: str | None = None
    ) -> Iterator[Chunk]:
        """The table, one chunk of whole units at a time (see the module notes)."""
        stamp = self.timestamps(options)
        unit_chunk = np.empty(len(self.units), dtype=np.int64)
        for c, g in enumerate(groups):
            unit_chunk[list(g)] = c
        if self.frame is not None:
            yield from self._frame_chunks(groups, unit_chunk)
            return
        if len(groups) == 1 or self.contiguous:
            yield from self._streamed(groups, unit_chunk, stamp)
        else:
            yield from self._sorted(groups, unit_chunk, stamp, spill_dir)

    # ----------------------------------------------------------------- sources of rows

    def _read(self) -> Iterator[pa.RecordBatch]:
        """The file's rows, batch by batch (every column; text columns of a text file)."""
        if self.layout is not None:
            assert self.encoding is not None
            yield from stream_delimited(self.layout, self.encoding)
        else:
            import pyarrow.parquet as pq

            with pq.ParquetFile(self.path) as f:
                yield from f.iter_batches(batch_size=BATCH_ROWS)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        """The rows the census kept, batch by batch, in file order."""
        if self.spill is None or not self.spill.exists():
            raise InputError("the census was closed: look at the file again", source=self.source)
        with pa.OSFile(str(self.spill), "rb") as f:
            yield from ipc.open_stream(f)

    def _frame(
        self, table: pa.Table, rows: np.ndarray, stamp: Callable[..., pd.DataFrame]
    ) -> Chunk:
        """A chunk's rows as :func:`~staffing.io.read_table` gives them, timestamps read."""
        numbers = None
        columns = self.columns
        if _STAMP in table.column_names:  # the timestamp texts' numbers, not the texts
            numbers = np.asarray(table.column(_STAMP).to_numpy(), dtype=np.int64)
            columns = {k: v for k, v in columns.items() if k not in self.stamp_columns}
        table = table.drop_columns([c for c in (_STAMP, _UNIT) if c in table.column_names])
        if self.layout is not None:
            ids = self.layout.ids(self.columns)
            df = frame_from_arrow(table, ids, decimal_comma=self.layout.delimiter != ",")
        else:
            df = table.to_pandas(types_mapper=_TEXT_TYPES.get)
        with file_rows(rows):
            df = normalise_table(
                df,
                columns,
                self.source,
                ids_read=self.layout is not None,
                warn_shadowed=False,  # file_columns named them, once for the file
            )
            df = stamp(df, numbers) if numbers is not None else stamp(df)
        return Chunk(df, rows)

    def _streamed(
        self, groups: Sequence[range], unit_chunk: np.ndarray, stamp: Callable[..., pd.DataFrame]
    ) -> Iterator[Chunk]:
        """Chunks cut from the rows as they come (each chunk's rows are together)."""
        sizes = [int(self.unit_rows[list(g)].sum()) for g in groups]
        pending: list[pa.RecordBatch] = []
        have, offset, c = 0, 0, 0
        for batch in self._batches():
            while batch.num_rows:
                need = sizes[c] - have
                take = min(need, batch.num_rows)
                pending.append(batch.slice(0, take))
                batch = batch.slice(take)
                have += take
                if have == sizes[c]:
                    table = pa.Table.from_batches(pending)
                    rows = np.arange(offset, offset + have, dtype=np.int64)
                    yield self._frame(table, rows, stamp)
                    offset += have
                    pending, have = [], 0
                    c += 1
                    if c == len(sizes):
                        if batch.num_rows:
                            raise InputError(
                                "the file changed while it was read", source=self.source
                            )
                        break
        if c < len(sizes):
            raise InputError("the file changed while it was read", source=self.source)

    def _sorted(
        self,
        groups: Sequence[range],
        unit_chunk: np.ndarray,
        stamp: Callable[..., pd.DataFrame],
        spill_dir: str | None,
    ) -> Iterator[Chunk]:
        """Rows sorted into one temporary file per chunk, then each chunk read back."""
        with scratch_directory("chunks", spill_dir) as tmp:
            writers: dict[int, Any] = {}
            files: dict[int, Any] = {}
            offset = 0
            try:
                for batch in self._batches():
                    chunk = unit_chunk[np.asarray(batch.column(_UNIT).to_numpy())]
                    rows = pa.array(np.arange(offset, offset + batch.num_rows, dtype=np.int64))
                    numbered = batch.append_column("__row", rows)
                    order = np.argsort(chunk, kind="stable")
                    bounds = np.searchsorted(chunk[order], np.arange(len(groups) + 1))
                    for c in np.flatnonzero(np.diff(bounds)).tolist():
                        part = numbered.take(pa.array(order[bounds[c] : bounds[c + 1]]))
                        if c not in writers:
                            files[c] = pa.OSFile(os.path.join(tmp, f"{c}.arrow"), "wb")
                            writers[c] = ipc.new_stream(files[c], part.schema)
                        writers[c].write_batch(part)
                    offset += batch.num_rows
            finally:
                for w in writers.values():
                    w.close()
                for f in files.values():
                    f.close()
            for k in range(len(groups)):
                if k not in writers:
                    continue
                with pa.OSFile(os.path.join(tmp, f"{k}.arrow"), "rb") as f:
                    table = ipc.open_stream(f).read_all()
                rows = table.column("__row").to_numpy()
                yield self._frame(table.drop_columns(["__row"]), rows, stamp)
                del table

    def _frame_chunks(self, groups: Sequence[range], unit_chunk: np.ndarray) -> Iterator[Chunk]:
        """Chunks of a spreadsheet read whole."""
        assert self.frame is not None
        df = self.frame
        units = _Units(list(self.units), {k: i for i, k in enumerate(self.units)})
        chunk = unit_chunk[_frame_codes(units, df)]
        for c in range(len(groups)):
            rows = np.flatnonzero(chunk == c)
            part = df.iloc[rows].reset_index(drop=True)
            part.attrs = dict(df.attrs)
            yield Chunk(part, rows)


def _frame_codes(units: _Units, df: pd.DataFrame) -> np.ndarray:
    """Unit numbers of the rows of a table already read."""
    present = [c for c in ("queue", "pool") if c in df.columns]
    table = pa.Table.from_pandas(df[present].astype(object), preserve_index=False)
    return units.codes(
        table, "queue" if "queue" in present else None, "pool" if "pool" in present else None
    )


@dataclass
class Chunk:
    """A chunk of whole queues.

    Its table, and the file's data-row index (from 0) of each of its rows (row ``i`` of the
    table is the file's row ``rows[i] + 2``).
    """

    frame: pd.DataFrame
    rows: np.ndarray

    def file_rows(self, seen: set[str] | None = None) -> contextlib.AbstractContextManager[None]:
        """Within the block, errors and warnings name the file's rows (see :func:`file_rows`)."""
        return file_rows(self.rows, seen)


def census(
    path: str | os.PathLike[str],
    options: Any,
    *,
    source: str | None = None,
    spill_dir: str | None = None,
) -> Census:
    """A first look at a table file: its queues (pools) and their rows, and its timestamps.

    Parameters
    ----------
    path : path
        CSV/TSV/TXT or Parquet (read as a stream), or a spreadsheet (read whole).
    options : ReadOptions
        The column mapping and date rules the rows are read with.

    Raises
    ------
    InputError
        An unreadable file, or a mapped column it lacks.
    """
    path = Path(path)
    source = source or path.name
    columns = dict(options.columns or {})
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError("no such file", source=str(path))
    if suffix in (".csv", ".tsv", ".txt"):
        layout = sniff_text(path, source)
        names = file_columns(layout.header, columns, source)
        for k, encoding in enumerate(layout.encodings):
            try:
                return _scan(
                    path,
                    source,
                    columns,
                    names,
                    layout=layout,
                    encoding=encoding,
                    spill_dir=spill_dir,
                )
            except UnicodeError:
                if k == len(layout.encodings) - 1:
                    raise InputError(
                        "cannot decode the text (save it as UTF-8)", source=source
                    ) from None
        raise InputError("cannot decode the text (save it as UTF-8)", source=source)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            header = pq.ParquetFile(path).schema_arrow.names
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"cannot read as Parquet ({exc})", source=source) from None
        return _scan(
            path, source, columns, file_columns(header, columns, source), spill_dir=spill_dir
        )
    frame = options.read(path)
    units = _Units()
    units.add(_frame_codes(units, frame))
    counts = np.array(units.counts, dtype=np.int64)
    names = {str(c): str(c) for c in frame.columns}
    return Census(
        path,
        source,
        columns,
        names,
        len(frame),
        units.names,
        counts,
        units.contiguous,
        (),
        {},
        frame=frame,
        midnights=_frame_midnights(frame),
    )


def _scan(
    path: Path,
    source: str,
    columns: dict[str, str],
    names: dict[str, str],
    *,
    layout: TextLayout | None = None,
    encoding: str | None = None,
    spill_dir: str | None = None,
) -> Census:
    """Read the file once, for the chunks.

    Count each unit's rows, number the distinct timestamp texts, and keep the rows on disk
    (each with its unit's and its timestamp's number).
    """
    if "interval_start" in names and "time" in names:
        stamp_columns: tuple[str, ...] = ("interval_start", "time")
    elif "interval_start" in names:
        stamp_columns = ("interval_start",)
    elif "date" in names and "time" in names:
        stamp_columns = ("date", "time")
    else:
        stamp_columns = ()
    queue, pool = names.get("queue"), names.get("pool")
    stamp_names = [names[c] for c in stamp_columns]
    units, stamps = _Units(), _Stamps()
    rows = 0
    census_ = Census(
        path,
        source,
        columns,
        names,
        0,
        [],
        np.zeros(0, np.int64),
        True,
        stamp_columns,
        {},
        layout,
        encoding,
    )
    scratch = scratch_path("census", spill_dir)
    census_._remove = weakref.finalize(census_, shutil.rmtree, scratch, ignore_errors=True)
    census_.spill = scratch / "rows.arrow"
    typed = False
    midnights = True
    try:
        with pa.OSFile(str(census_.spill), "wb") as sink:
            writer = None
            for batch in census_._read():
                codes = units.codes(batch, queue, pool)
                units.add(codes)
                keys = _stamp_keys(batch, stamp_names) if stamp_columns else None
                kept = batch
                if keys is None:
                    typed = True
                    if stamp_columns and midnights:
                        midnights = _all_midnights(batch.column(stamp_names[0]))
                else:
                    numbers = stamps.add(keys, rows)
                    kept = batch.drop_columns(stamp_names).append_column(
                        _STAMP, pa.array(numbers, pa.int32())
                    )
                kept = kept.append_column(_UNIT, pa.array(codes.astype(np.int32), pa.int32()))
                if writer is None:
                    writer = ipc.new_stream(sink, kept.schema)
                writer.write_batch(kept)
                rows += batch.num_rows
            if writer is not None:
                writer.close()
    except BaseException:
        census_.close()
        raise
    census_.rows = rows
    census_.units = units.names
    census_.unit_rows = np.array(units.counts, dtype=np.int64)
    census_.contiguous = units.contiguous
    census_.stamps = {} if typed else stamps.first_row
    census_.stamp_texts = None if typed else stamps.known
    census_.midnights = typed and midnights
    if typed:
        census_.stamp_columns = ()
    return census_


# --------------------------------------------------------------------------- output in order


class InOrder:
    """Chunks' result tables written to a CSV in the file's row order.

    Each chunk's table (already in the CSV writer's types) is spilled to a temporary file
    with its rows' file order; :meth:`write` merges them, a window of rows at a time.
    """

    def __init__(self, spill_dir: str | None = None, window: int = 1 << 18) -> None:
        self._tmp = scratch_directory("out", spill_dir)
        self._paths: list[str] = []
        self._window = window

    def add(self, table: pa.Table, rows: np.ndarray) -> None:
        """Spill one chunk's result (``rows``: file order of each row, increasing)."""
        path = os.path.join(self._tmp.name, f"{len(self._paths)}.arrow")
        numbered = table.append_column("__row", pa.array(np.asarray(rows, dtype=np.int64)))
        with pa.OSFile(path, "wb") as f, ipc.new_stream(f, numbered.schema) as w:
            for batch in numbered.to_batches(max_chunksize=BATCH_ROWS):
                w.write_batch(batch)
        self._paths.append(path)

    def write(self, writer: Any) -> None:
        """Every spilled row to ``writer``, in file order.

        ``writer`` is a :class:`~staffing.io.fastcsv.CsvWriter` or a
        :class:`~staffing.io.TableSink`: anything with ``write_arrow``.
        """
        files = [pa.OSFile(p, "rb") for p in self._paths]
        try:
            spills = [_Spill(ipc.open_stream(f)) for f in files]
            edge = 0
            while not all(s.exhausted for s in spills):
                edge += self._window
                window = _concat([p for p in (s.below(edge) for s in spills) if p.num_rows])
                if window is None:
                    continue
                order = np.argsort(window.column("__row").to_numpy(), kind="stable")
                writer.write_arrow(window.take(pa.array(order)).drop_columns(["__row"]))
        finally:
            for f in files:
                f.close()

    def close(self) -> None:
        """Remove the spilled files."""
        self._tmp.cleanup()

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Spill:
    """One chunk's spilled result, read a batch at a time in its (increasing) row order."""

    def __init__(self, reader: Any) -> None:
        self._reader = iter(reader)
        self._held: pa.Table | None = None
        self._done = False

    @property
    def exhausted(self) -> bool:
        return self._done and (self._held is None or not self._held.num_rows)

    def below(self, edge: int) -> pa.Table:
        """The held rows whose file row is below ``edge`` (reading on as needed)."""
        while not self._done and (
            self._held is None
            or not self._held.num_rows
            or int(self._held.column("__row")[-1].as_py()) < edge
        ):
            batch = next(self._reader, None)
            if batch is None:
                self._done = True
                break
            more = pa.Table.from_batches([batch])
            self._held = more if self._held is None else _concat([self._held, more])
        if self._held is None:
            return pa.table({"__row": pa.array([], pa.int64())})
        cut = int(np.searchsorted(self._held.column("__row").to_numpy(), edge))
        out, self._held = self._held.slice(0, cut), self._held.slice(cut)
        return out


def _concat(tables: list[pa.Table]) -> pa.Table | None:
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")
