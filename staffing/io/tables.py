"""Reading and writing tables: CSV (delimiter sniffed), Excel and Parquet.

Every reader names the file in its errors; every writer is atomic (the table goes to a
temporary file in the destination directory, which is moved into place only when the
whole table has been written), so a failed run never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.frames.values import DataWarning, id_text
from staffing.io.delimited import ID_COLUMNS, id_names, read_delimited
from staffing.io.fastcsv import CsvWriter, csv_text, to_csv_table

__all__ = [
    "EXCEL_MAX_ROWS",
    "ID_COLUMNS",
    "PERCENT_COLUMNS",
    "TABLE_SUFFIXES",
    "WRITABLE_SUFFIXES",
    "OutputSet",
    "TableSink",
    "atomic_write",
    "check_unique_columns",
    "is_percent_column",
    "read_table",
    "scratch_directory",
    "scratch_path",
    "write_table",
]

#: File extensions :func:`read_table` understands.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet")
#: File extensions :func:`write_table` writes.
WRITABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
#: Rows a spreadsheet holds, its header included.
EXCEL_MAX_ROWS = 1_048_576


def _read_excel(
    path: Path, source: str, columns: Mapping[str, str] | None, sheet: str | None
) -> pd.DataFrame:
    try:
        with pd.ExcelFile(path) as book:
            return _read_sheet(book, source, columns, sheet)
    except ImportError:
        raise InputError(
            "reading .xls needs the xlrd package; save the sheet as .xlsx or CSV", source=source
        ) from None
    except (ValueError, OSError, KeyError) as exc:
        raise InputError(f"cannot read as a spreadsheet ({exc})", source=source) from None


#: Column names that mark a sheet as one of our tables (a forecast, a history, a plan...).
_TABLE_MARKS = frozenset(
    {
        "interval_start",
        "calls",
        "offered",
        "aht_s",
        "agents",
        "answered",
        "arrival",
        "date",
        "time",
        "queue",
        "shift",
        "target",
    }
)


def _header(book: pd.ExcelFile, name: str) -> list[str]:
    return [str(c).strip() for c in pd.read_excel(book, sheet_name=name, nrows=0).columns]


def _read_sheet(
    book: pd.ExcelFile, source: str, columns: Mapping[str, str] | None, sheet: str | None
) -> pd.DataFrame:
    """One sheet of an open workbook.

    ``sheet``; else the first sheet whose header holds our columns (or the mapped ones),
    said when the workbook has several.
    """
    names = [str(n) for n in book.sheet_names]
    if sheet is None:
        wanted = {c.casefold() for c in _TABLE_MARKS} | {
            str(v).strip().casefold() for v in (columns or {}).values()
        }
        holding = [n for n in names if wanted & {c.casefold() for c in _header(book, n)}]
        chosen = holding[0] if holding else names[0]
        if len(names) > 1:
            why = (
                f" (the first with the expected columns; {names[0]!r} has none)"
                if chosen != names[0]
                else f", the first of {len(names)}"
            )
            warnings.warn(
                f"{source}: read sheet '{chosen}'{why} ({', '.join(names)}); choose another "
                "with `sheet`",
                DataWarning,
                stacklevel=5,
            )
    elif sheet in names:
        chosen = sheet
    else:
        raise InputError(f"no sheet '{sheet}' (sheets: {', '.join(names)})", source=source)
    header = [str(c) for c in pd.read_excel(book, sheet_name=chosen, nrows=0).columns]
    ids = {name: str for name in id_names(header, columns)}
    return pd.read_excel(book, sheet_name=chosen, dtype=ids)


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read as Parquet ({exc})", source=source) from None


def read_table(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    source: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read a table from CSV/TSV/TXT, Excel or Parquet, renaming mapped columns.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv``, ``.txt`` (delimiter sniffed among comma, semicolon, tab and
        pipe; a UTF-8 byte-order mark is tolerated; Windows-1252 text is accepted),
        ``.xlsx``/``.xls`` (first sheet) or ``.parquet``. Empty cells, ``NaN``, ``NULL``
        and ``#N/A`` are missing values; ``NA`` is kept as text (a queue may be called so).
    columns : mapping, optional
        Our column name -> the file's column name, e.g.
        ``{"calls": "IncomingContactVolume"}``; a file column is matched exactly, else
        ignoring case and surrounding spaces.
    source : str, optional
        Name used in error messages and stored in ``df.attrs["source"]``; defaults to the
        file name.
    sheet : str, optional
        Excel: the sheet to read (default the first; a warning names it when the
        workbook has several).

    Returns
    -------
    DataFrame
        Header names stripped of surrounding whitespace, mapped columns renamed to our
        names, ``attrs["source"]`` set.

    Raises
    ------
    InputError
        Missing, empty or unreadable file, unknown extension, or a mapped column the file
        does not have.

    Notes
    -----
    With a semicolon, tab or pipe delimiter, text columns that hold only numbers with a
    decimal comma (``"2,5"``) are read as numbers, as European spreadsheets write them.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> df = read_table(sample_path("forecast.csv"))
    >>> list(df.columns[:4])
    ['interval_start', 'queue', 'calls', 'aht_s']
    >>> df.attrs["source"]
    'forecast.csv'
    """
    path = Path(path)
    source = source or path.name
    if not path.exists():
        raise InputError("no such file", source=str(path))
    if path.is_dir():
        raise InputError("is a directory, not a table file", source=str(path))
    suffix = path.suffix.lower()
    warn_sheet_ignored(path, sheet, source)
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            df = read_delimited(path, source, columns)
        elif suffix in (".xlsx", ".xls"):
            df = _read_excel(path, source, columns, sheet)
        elif suffix == ".parquet":
            df = _read_parquet(path, source)
        else:
            raise InputError(
                f"unknown file type {suffix or '(none)'!r}: use {', '.join(TABLE_SUFFIXES)}",
                source=source,
            )
    except PermissionError:
        raise InputError("permission denied", source=source) from None
    return normalise_table(df, columns, source, ids_read=suffix in (".csv", ".tsv", ".txt"))


def warn_sheet_ignored(path: Path, sheet: str | None, source: str) -> None:
    """Say that a sheet was named for a file that is not a workbook (and is ignored).

    A sheet given with a CSV or Parquet file is most often the wrong file; an import
    profile's ``sheet`` for the centre's Excel exports meets its CSV files too, so this is
    a warning, not an error.
    """
    if sheet is not None and path.suffix.lower() not in (".xlsx", ".xls"):
        warnings.warn(
            f"{source}: not an Excel workbook: the sheet {sheet!r} (`sheet`) is ignored",
            DataWarning,
            stacklevel=3,
        )


def normalise_table(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None,
    source: str,
    *,
    ids_read: bool = False,
    warn_shadowed: bool = True,
) -> pd.DataFrame:
    """A table as read from a file, with our names.

    Header names stripped, mapped columns renamed, id columns as text (``ids_read``: they
    already are), ``attrs["source"]`` set. A file column that a mapped one replaces is
    named in a warning (unless ``warn_shadowed`` is false: a chunk of a file already
    warned about).
    """
    df.columns = [str(c).strip().lstrip("\ufeff").strip() for c in df.columns]
    check_unique_columns(list(df.columns), source)
    if columns:
        df = _rename(df, columns, source, warn=warn_shadowed)
        check_unique_columns(list(df.columns), source, mapped=True)
    if not ids_read:
        for name in ID_COLUMNS:
            if name in df.columns:
                df[name] = id_text(df[name])
    df.attrs["source"] = source
    return df


def file_columns(
    header: Sequence[str], columns: Mapping[str, str] | None, source: str
) -> dict[str, str]:
    """Our name -> the file's column name, for every column of ``header``.

    As :func:`read_table` names it; a mapped column the header lacks is an error.
    """
    stripped = [str(c).strip().lstrip("\ufeff").strip() for c in header]
    check_unique_columns(stripped, source)
    raw = dict(zip(stripped, header, strict=True))
    renames = _renames(stripped, columns, source) if columns else {}
    shadowed = {ours for ours in renames.values() if ours in stripped and ours not in renames}
    _warn_shadowed(sorted(shadowed), renames, source)
    out: dict[str, str] = {}
    for name in stripped:
        if name in renames:
            out[renames[name]] = raw[name]
        elif name not in shadowed:
            out.setdefault(name, raw[name])
    return out


def check_unique_columns(names: Sequence[str], source: str, *, mapped: bool = False) -> None:
    """Refuse a header naming one column twice (which would be read as the other).

    Raises
    ------
    InputError
        Naming the column and its positions (1 = the first column).
    """
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        seen.setdefault(name, []).append(position)
    twice = {name: at for name, at in seen.items() if len(at) > 1}
    if not twice:
        return
    name, at = next(iter(twice.items()))
    where = " and ".join(str(p) for p in at)
    how = (
        "a --column mapping names a column the file already has: map one of them away"
        if mapped
        else "keep one, or rename one in the file"
    )
    raise InputError(
        f"column '{name}' appears {len(at)} times (columns {where} of the header): {how}",
        source=source,
    )


def _renames(found: list[str], columns: Mapping[str, str], source: str) -> dict[str, str]:
    """The file's column -> our name, for each mapped column.

    Matched exactly, else ignoring case and surrounding spaces.
    """
    folded = {c.strip().casefold(): c for c in found}
    renames: dict[str, str] = {}
    for ours, theirs in columns.items():
        actual = theirs if theirs in found else folded.get(theirs.strip().casefold())
        if actual is None:
            raise InputError(
                f"column '{theirs}' (mapped to '{ours}') not found; found {', '.join(found)}",
                source=source,
            )
        renames[actual] = ours
    return renames


def _warn_shadowed(shadowed: Sequence[str], renames: Mapping[str, str], source: str) -> None:
    """Name the file's columns that a mapped column replaces (they are not read)."""
    for ours in shadowed:
        theirs = next(f for f, o in renames.items() if o == ours)
        warnings.warn(
            f"{source}: column '{ours}' is not read: the mapping {ours}={theirs} reads "
            f"'{theirs}' as {ours}",
            DataWarning,
            stacklevel=5,
        )


def _rename(
    df: pd.DataFrame, columns: Mapping[str, str], source: str, *, warn: bool = True
) -> pd.DataFrame:
    found = list(df.columns)
    renames = _renames(found, columns, source)
    # A mapped column replaces a file column that already carries our name.
    shadowed = [ours for ours in renames.values() if ours in found and ours not in renames]
    if warn:
        _warn_shadowed(shadowed, renames, source)
    return df.drop(columns=shadowed).rename(columns=renames)


_TEMP_MARK = ".staffing-"
#: Name under which a table bound for standard output is held until the run succeeds.
_STDOUT_NAME = "staffing-stdout"


@contextlib.contextmanager
def _deferred_termination() -> Iterator[None]:
    """SIGTERM held back while the files of a run are moved into place.

    A stop then never leaves some of them moved and others not: it takes effect when the
    block ends.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_stale_temps(dest: Path) -> None:
    """Remove temporary files a killed earlier run left beside ``dest``."""
    pattern = f".{dest.name}{_TEMP_MARK}*"
    for tmp in dest.parent.glob(pattern):
        rest = tmp.name[len(f".{dest.name}{_TEMP_MARK}") :]
        pid = rest.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _clear_stale_scratch(base: Path) -> None:
    """Remove the spill directories (``staffing-KIND-PID-...``) of killed runs in ``base``."""
    for old in base.glob("staffing-*-*-*"):
        pid = old.name.split("-")[2]
        if old.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)


def scratch_path(kind: str, where: str | None = None) -> Path:
    """A new directory for a run's spills.

    Named ``staffing-KIND-PID-...``, in ``where`` or the system's temporary directory; the
    caller removes it. Those that killed runs left in the same place are removed first.

    Examples
    --------
    >>> d = scratch_path("census")
    >>> d.name.startswith(f"staffing-census-{os.getpid()}-")
    True
    >>> shutil.rmtree(d)
    """
    base = Path(where) if where is not None else Path(tempfile.gettempdir())
    _clear_stale_scratch(base)
    try:
        return Path(tempfile.mkdtemp(prefix=f"staffing-{kind}-{os.getpid()}-", dir=base))
    except OSError as exc:
        raise OutputSet._cannot(base, exc) from None


def scratch_directory(kind: str, where: str | None = None) -> tempfile.TemporaryDirectory[str]:
    """As :func:`scratch_path`, a directory removed at the end of a ``with`` block.

    Examples
    --------
    >>> with scratch_directory("chunks") as d:
    ...     Path(d).name.startswith(f"staffing-chunks-{os.getpid()}-")
    True
    """
    base = Path(where) if where is not None else Path(tempfile.gettempdir())
    _clear_stale_scratch(base)
    try:
        return tempfile.TemporaryDirectory(prefix=f"staffing-{kind}-{os.getpid()}-", dir=base)
    except OSError as exc:
        raise OutputSet._cannot(base, exc) from None


class OutputSet:
    """The output files of one run, written all or none.

    Each file is first written to a temporary file in its destination's directory
    (named ``.NAME.staffing-PID-...``); :meth:`commit` moves them all into place only when
    every one has been written, and :meth:`discard` (or leaving the ``with`` block on an
    error) removes them, so a run that fails late (the disk fills while writing the
    report) leaves every destination as it was. Temporary files left by a killed run are
    removed the next time the same destination is written. Text for standard output
    (``"-"``) is held back until the files are in place.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with OutputSet() as out:
    ...     out.text("a", d / "a.txt")
    ...     out.text("b", d / "b.txt")
    >>> (d / "a.txt").read_text(), (d / "b.txt").read_text()
    ('a', 'b')
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []
        self._stdout: list[str | Path] = []  # text, or a staged file copied at commit
        self._held: list[Path] = []  # staged files for standard output

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    @staticmethod
    def _cannot(dest: Path, exc: OSError) -> InputError:
        return InputError(f"cannot write the file ({exc.strerror or exc})", source=str(dest))

    def stage(self, path: str | os.PathLike[str]) -> Path:
        """A temporary path to write ``path``'s content to (same directory and extension).

        A symbolic link is written through, as a shell's ``>`` would: the file it points
        to gets the new content and the link stays a link.
        """
        dest = Path(path)
        if dest.is_symlink():
            dest = dest.resolve()
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_temps(dest)
            fd, name = tempfile.mkstemp(
                prefix=f".{dest.name}{_TEMP_MARK}{os.getpid()}-",
                suffix=dest.suffix,
                dir=dest.parent,
            )
        except OSError as exc:
            raise self._cannot(dest, exc) from None
        os.close(fd)
        tmp = Path(name)
        self._staged.append((tmp, dest))
        return tmp

    def text(self, text: str, path: str | os.PathLike[str]) -> None:
        """Stage a text file (``"-"``: standard output, at commit)."""
        if str(path) == "-":
            self._stdout.append(text)
            return
        tmp = self.stage(path)
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise self._cannot(Path(path), exc) from None

    def table(
        self, table: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | os.PathLike[str]
    ) -> None:
        """Stage a table file, as :func:`write_table` writes it (``"-"``: CSV on stdout)."""
        tables = _tables(table)
        if str(path) == "-":
            self._stdout.append(_stdout_text(tables))
            return
        dest = Path(path)
        suffix = _check_output(tables, dest)
        tmp = self.stage(dest)
        try:
            _write_file(tables, tmp, suffix)
        except OSError as exc:
            raise self._cannot(dest, exc) from None

    def stream(
        self, path: str | os.PathLike[str], dates: Mapping[str, bool] | None = None
    ) -> TableSink:
        """A table written chunk by chunk, staged like :meth:`table`, in place at commit.

        ``.csv`` or ``.parquet``; ``"-"``: CSV to standard output.
        """
        if str(path) == "-":
            held = self._hold()
            return TableSink(held, ".csv", dates, dest=Path("-"))
        dest = Path(path)
        suffix = dest.suffix.lower()
        if suffix not in (".csv", ".parquet"):
            raise InputError(
                f"a table written chunk by chunk goes to .csv or .parquet, not {suffix!r}",
                source=str(dest),
            )
        return TableSink(self.stage(dest), suffix, dates, dest=dest)

    def _hold(self) -> Path:
        """A temporary file for a table bound for standard output.

        In the system's temporary directory, copied to standard output at commit, so a run
        that fails late never leaves part of a table in a pipe.
        """
        scratch = Path(tempfile.gettempdir())
        _remove_stale_temps(scratch / _STDOUT_NAME)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{_STDOUT_NAME}{_TEMP_MARK}{os.getpid()}-", suffix=".csv", dir=scratch
            )
        except OSError as exc:
            raise self._cannot(scratch, exc) from None
        os.close(fd)
        held = Path(name)
        self._held.append(held)
        self._stdout.append(held)
        return held

    def figure(self, figure: Any, path: str | os.PathLike[str]) -> None:
        """Stage a matplotlib figure (the format from the extension: .png, .pdf, .svg)."""
        tmp = self.stage(path)
        try:
            figure.savefig(tmp, dpi=150, bbox_inches="tight")
        except OSError as exc:
            raise self._cannot(Path(path), exc) from None

    def commit(self) -> None:
        """Move every staged file into place, then print what goes to standard output."""
        umask = os.umask(0)
        os.umask(umask)
        try:
            with _deferred_termination():
                for tmp, dest in self._staged:
                    try:
                        os.chmod(tmp, 0o666 & ~umask)
                        os.replace(tmp, dest)
                    except OSError as exc:
                        raise self._cannot(dest, exc) from None
                self._staged.clear()
            for text in self._stdout:
                if isinstance(text, Path):
                    sys.stdout.flush()
                    with text.open("rb") as held:
                        shutil.copyfileobj(held, sys.stdout.buffer, 1 << 20)
                    sys.stdout.buffer.flush()
                else:
                    sys.stdout.write(text)
            sys.stdout.flush()
        finally:
            self._stdout.clear()
            self.discard()

    def discard(self) -> None:
        """Remove every staged file that was not moved into place."""
        for tmp in [*(tmp for tmp, _ in self._staged), *self._held]:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self._staged.clear()
        self._held.clear()

    @property
    def destinations(self) -> list[str]:
        """The files staged so far."""
        return [str(dest) for _, dest in self._staged]


class TableSink:
    """One table written chunk by chunk to CSV or Parquet.

    CSV: the bytes of the whole written at once; Parquet: one row group per chunk, the same
    table read back.

    Chunks come as DataFrames (:meth:`write`) or as Arrow tables already converted
    (:meth:`write_arrow`: see :meth:`arrow`). Converting and writing happen on a
    background thread (numpy and pyarrow work without holding the interpreter), so the
    next chunk is solved while the last one is written; at most two chunks wait. A
    DataFrame handed over must not change afterwards. An error while writing is raised by
    the next call or by :meth:`close`.
    """

    def __init__(
        self,
        target: Any,
        suffix: str,
        dates: Mapping[str, bool] | None = None,
        dest: Path | None = None,
    ) -> None:
        self.suffix = suffix
        self.dest = dest
        self._target = target
        self._dates = dict(dates or {})
        self._csv: CsvWriter | None = CsvWriter(target, self._dates) if suffix == ".csv" else None
        self._parquet: Any = None
        self._queue: Any = None
        self._thread: Any = None
        self._error: BaseException | None = None
        self._aborted = False
        self.rows = 0

    def arrow(self, df: pd.DataFrame) -> Any:
        """``df`` as the Arrow table this sink writes (for CSV, the text's types)."""
        if self._csv is not None:
            return to_csv_table(df, self._dates)
        import pyarrow as pa

        return pa.Table.from_pandas(_without_attrs(df), preserve_index=False)

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df``'s rows (converted on the writing thread)."""
        self._put(df, len(df))

    def write_arrow(self, table: Any) -> None:
        """Append a table made by :meth:`arrow`."""
        self._put(table, table.num_rows)

    def _put(self, table: Any, rows: int) -> None:
        self._raise()
        if self._thread is None:
            import queue
            import threading

            self._queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._drain, daemon=True)
            self._thread.start()
        self._queue.put(table)
        self.rows += rows

    def _drain(self) -> None:
        while True:
            table = self._queue.get()
            if table is None:
                return
            if self._error is not None or self._aborted:
                continue
            try:
                if isinstance(table, pd.DataFrame):
                    table = self.arrow(table)
                self._write_now(table)
            except BaseException as exc:  # handed to the main thread
                self._error = exc

    def _write_now(self, table: Any) -> None:
        if self._csv is not None:
            self._csv.write_arrow(table)
            return
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._target, table.schema)
        elif table.schema != self._parquet.schema:
            table = table.cast(self._parquet.schema)
        self._parquet.write_table(table)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            if isinstance(error, BrokenPipeError):
                raise error
            if isinstance(error, OSError):
                raise OutputSet._cannot(self.dest or Path("-"), error) from None
            raise error

    def abort(self) -> None:
        """Stop writing (the run failed).

        What waits is dropped, the file closed, errors of the writing thread ignored.
        """
        self._aborted = True
        with contextlib.suppress(BaseException):
            self.close()
        self._error = None

    def close(self) -> None:
        """Write what waits, then close the file."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        try:
            self._raise()
        finally:
            if self._csv is not None:
                self._csv.close()
            if self._parquet is not None:
                self._parquet.close()
                self._parquet = None


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Write one file all at once: yield a temporary path, move it into place on success.

    The temporary file sits in the destination directory (created if needed) and keeps
    the destination's extension, so writers that pick a format from the name still work.
    If the block raises, the temporary file is removed and the destination is untouched;
    an operating-system error (no such directory, permission denied, disk full) becomes an
    :class:`~staffing.errors.InputError` naming the destination. See :class:`OutputSet`
    for several files of one run.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_write(dest) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> dest.read_text()
    'hello'
    """
    with OutputSet() as out:
        tmp = out.stage(path)
        try:
            yield tmp
        except OSError as exc:
            raise OutputSet._cannot(Path(path), exc) from None


def _tables(table: pd.DataFrame | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    if isinstance(table, pd.DataFrame):
        return {str(table.attrs.get("name", "table")): table}
    if not table:
        raise InputError("nothing to write: no tables given")
    return {str(k): v for k, v in table.items()}


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    out, k = base, 2
    while out.lower() in taken:
        out = f"{base[: 31 - len(str(k)) - 1]}_{k}"
        k += 1
    taken.add(out.lower())
    return out


#: Columns holding fractions that a spreadsheet shows as percentages (``0.843`` as 84.3%).
PERCENT_COLUMNS: tuple[str, ...] = (
    "service_level",
    "abandon_rate",
    "occupancy",
    "p_wait",
    "p_miss",
    "p_day_miss",
    "share_within",
    "target_share",
    "fraction",
)


def is_percent_column(name: str) -> bool:
    """Whether a column holds shares, written as percentages in a spreadsheet."""
    return any(
        name == p or name.startswith(p + "_") or name.endswith("_" + p) for p in PERCENT_COLUMNS
    )


def _format_sheet(sheet: Any, df: pd.DataFrame) -> None:
    """A sheet ready to read.

    Header frozen, a filter on every column, widths to fit, percentages as %, dates as dates
    (times only where a column has them).
    """
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    if len(df.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    for j, name in enumerate(df.columns, start=1):
        col = df[name]
        fmt = None
        if col.dtype.kind == "M" or isinstance(col.dtype, pd.DatetimeTZDtype):
            wall = col.dt.tz_localize(None) if isinstance(col.dtype, pd.DatetimeTZDtype) else col
            has_time = bool((wall.dropna() != wall.dropna().dt.normalize()).any())
            fmt = "yyyy-mm-dd hh:mm" if has_time else "yyyy-mm-dd"
            width = 16 if has_time else 11
        else:
            if col.dtype.kind == "f" and is_percent_column(str(name)):
                fmt = "0.0%"
            text = col.head(200).astype(str)
            width = int(max([len(str(name)), *text.str.len().tolist()], default=8))
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width, 8) + 2, 40)
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt


def _significant(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits.

    NaN, infinities and numbers too small to scale are left as they are.
    """
    finite = np.isfinite(values) & (values != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.abs(np.where(finite, values, 1.0))))
    decimals = digits - 1 - magnitude
    scalable = finite & (np.abs(decimals) <= 300)
    scale = 10.0 ** np.where(scalable, decimals, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(values * scale) / scale
    return np.where(scalable & np.isfinite(rounded), rounded, values)


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Excel stores no time zones.

    Tz-aware timestamps are written as local wall time; and floats are rounded to 12
    significant digits, so a cell shows 2238.8, not the 2238.800000000001 that summing in
    binary leaves.
    """
    out = df
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out = out.copy() if out is df else out
            out[name] = col.dt.tz_localize(None)
        elif col.dtype.kind == "f":
            out = out.copy() if out is df else out
            out[name] = _significant(col.to_numpy(dtype=float), 12)
    return out


def write_table(
    table: pd.DataFrame | Mapping[str, pd.DataFrame], path: str | os.PathLike[str]
) -> None:
    """Write one table, or several named ones, in the format the extension names.

    Parameters
    ----------
    table : DataFrame or mapping of name -> DataFrame
        Several tables go to one ``.xlsx`` file as one sheet each; ``.csv`` and
        ``.parquet`` hold a single table.
    path : str or path-like
        ``.csv``, ``.xlsx`` or ``.parquet``; ``"-"`` prints CSV on standard output
        (several tables one after the other, each under a ``# name`` line).

    Raises
    ------
    InputError
        Unknown extension, several tables for a one-table format, or too many rows for
        a spreadsheet.

    Notes
    -----
    The file is written atomically (see :func:`atomic_write`): on any error the
    destination is neither created nor changed. The index is not written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"queue": ["sales"], "calls": [12.5]}), dest)
    >>> print(dest.read_text().strip())
    queue,calls
    "sales",12.5
    """
    with OutputSet() as out:
        out.table(table, path)


def _stdout_text(tables: Mapping[str, pd.DataFrame]) -> str:
    parts = []
    for k, (name, df) in enumerate(tables.items()):
        if len(tables) > 1:
            parts.append(("\n" if k else "") + f"# {name}\n")
        parts.append(csv_text(df))
    return "".join(parts)


def _check_output(tables: Mapping[str, pd.DataFrame], dest: Path) -> str:
    suffix = dest.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
        raise InputError(
            f"unknown output type {suffix or '(none)'!r}: use .csv, .xlsx or .parquet",
            source=str(dest),
        )
    if suffix != ".xlsx" and len(tables) > 1:
        raise InputError(
            f"{len(tables)} tables ({', '.join(tables)}) do not fit one {suffix} file; use .xlsx",
            source=str(dest),
        )
    if suffix == ".xlsx":
        for name, df in tables.items():
            if len(df) + 1 > EXCEL_MAX_ROWS:
                raise InputError(
                    f"table '{name}' has {len(df):,} rows, more than a spreadsheet holds; "
                    "use .csv or .parquet",
                    source=str(dest),
                )
    return suffix


def _write_file(tables: Mapping[str, pd.DataFrame], tmp: Path, suffix: str) -> None:
    if suffix == ".csv":
        (df,) = tables.values()
        with CsvWriter(tmp) as out:
            out.write(df)
    elif suffix == ".parquet":
        (df,) = tables.values()
        _without_attrs(df).to_parquet(tmp, index=False)
    else:
        # the workbook is built in memory and written in one go: a full disk is then one
        # OSError here, not a half-closed zip archive complaining when it is collected
        taken: set[str] = set()
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, df in tables.items():
                sheet = _sheet_name(name, taken)
                _excel_ready(df).to_excel(writer, sheet_name=sheet, index=False)
                _format_sheet(writer.sheets[sheet], df)
        tmp.write_bytes(buffer.getvalue())


def _without_attrs(df: pd.DataFrame) -> pd.DataFrame:
    """Parquet keeps ``attrs`` as JSON metadata: drop what JSON cannot hold."""
    import json

    try:
        json.dumps(df.attrs)
    except TypeError:
        out = df.copy(deep=False)
        out.attrs = {}
        return out
    return df
