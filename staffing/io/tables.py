"""Reading and writing tables: CSV (delimiter sniffed), Excel and Parquet.

Every reader names the file in its errors; every writer is atomic (the table goes to a
temporary file in the destination directory, which is moved into place only when the
whole table has been written), so a failed run never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from staffing.errors import InputError

__all__ = [
    "TABLE_SUFFIXES",
    "atomic_write",
    "parse_column_options",
    "read_table",
    "write_table",
]

#: File extensions :func:`read_table` understands.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
_EXCEL_MAX_ROWS = 1_048_576
# Text read as missing. Not "NA": that is North America in many queue names.
MISSING_TOKENS: tuple[str, ...] = ("", "NaN", "nan", "-nan", "NULL", "null", "#N/A", "N/A", "n/a")
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+|\d*,\d+)\s*$")


def parse_column_options(values: Sequence[str]) -> dict[str, str]:
    """Read ``--column ours=theirs`` options into a column mapping.

    Parameters
    ----------
    values : sequence of str
        Items of the form ``"calls=IncomingContactVolume"``.

    Returns
    -------
    dict
        Our column name -> the file's column name.

    Raises
    ------
    InputError
        An item without ``=``, with an empty side, or naming the same column twice.

    Examples
    --------
    >>> parse_column_options(["calls=IncomingContactVolume", "aht_s = AverageHandleTime"])
    {'calls': 'IncomingContactVolume', 'aht_s': 'AverageHandleTime'}
    """
    mapping: dict[str, str] = {}
    for item in values:
        ours, sep, theirs = item.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise InputError(
                f"--column {item!r}: use OURS=THEIRS, e.g. calls=IncomingContactVolume"
            )
        if ours in mapping:
            raise InputError(f"--column: '{ours}' is mapped twice")
        mapping[ours] = theirs
    return mapping


def _sniff_delimiter(sample: str) -> str:
    """The delimiter of a delimited text among comma, semicolon, tab and pipe.

    The header line decides (it holds no decimal commas); the standard-library sniffer
    breaks ties on the first lines.
    """
    lines = sample.splitlines()
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return ","
    tied = [d for d, k in counts.items() if k == best]
    if len(tied) == 1:
        return tied[0]
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(tied)).delimiter
    except csv.Error:
        return tied[0]


def _decimal_commas(df: pd.DataFrame) -> pd.DataFrame:
    """Turn text columns written with decimal commas (``"1,5"``) into numbers."""
    for name in df.columns:
        col = df[name]
        if col.dtype.kind in "biufcmM" or col.isna().all():
            continue
        text = col.dropna().astype(str)
        if text.str.contains(",", regex=False).any() and text.str.match(_DECIMAL_COMMA).all():
            df[name] = pd.to_numeric(col.astype(str).str.replace(",", ".", regex=False))
    return df


def _read_delimited(path: Path, source: str) -> pd.DataFrame:
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise InputError("the file is empty", source=source)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample = head.decode(
                encoding, errors="strict" if len(head) < _SNIFF_BYTES else "ignore"
            )
        except UnicodeDecodeError:
            continue
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(sample)
        try:
            df = pd.read_csv(
                path,
                sep=delimiter,
                encoding=encoding,
                skipinitialspace=True,
                keep_default_na=False,
                na_values=list(MISSING_TOKENS),
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise InputError("the file is empty", source=source) from None
        except pd.errors.ParserError as exc:
            detail = str(exc).strip().splitlines()[-1]
            raise InputError(f"cannot read as a table ({detail})", source=source) from None
        if delimiter != ",":
            df = _decimal_commas(df)
        return df
    raise InputError("cannot decode the text (save it as UTF-8)", source=source)


def _read_excel(path: Path, source: str) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=0)
    except ImportError:
        raise InputError(
            "reading .xls needs the xlrd package; save the sheet as .xlsx or CSV", source=source
        ) from None
    except (ValueError, OSError, KeyError) as exc:
        raise InputError(f"cannot read as a spreadsheet ({exc})", source=source) from None


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
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            df = _read_delimited(path, source)
        elif suffix in (".xlsx", ".xls"):
            df = _read_excel(path, source)
        elif suffix == ".parquet":
            df = _read_parquet(path, source)
        else:
            raise InputError(
                f"unknown file type {suffix or '(none)'!r}: use {', '.join(TABLE_SUFFIXES)}",
                source=source,
            )
    except PermissionError:
        raise InputError("permission denied", source=source) from None
    df.columns = [str(c).strip().lstrip("\ufeff").strip() for c in df.columns]
    if columns:
        df = _rename(df, columns, source)
    df.attrs["source"] = source
    return df


def _rename(df: pd.DataFrame, columns: Mapping[str, str], source: str) -> pd.DataFrame:
    found = list(df.columns)
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
    # A mapped column replaces a file column that already carries our name.
    shadowed = [ours for ours in renames.values() if ours in found and ours not in renames]
    return df.drop(columns=shadowed).rename(columns=renames)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Write a file all at once: yield a temporary path, move it into place on success.

    The temporary file sits in the destination directory (created if needed) and keeps
    the destination's extension, so writers that pick a format from the name still work.
    If the block raises, the temporary file is removed and the destination is untouched;
    an operating-system error (no such directory, permission denied, disk full) becomes an
    :class:`~staffing.errors.InputError` naming the destination.

    Parameters
    ----------
    path : str or path-like
        Destination.

    Yields
    ------
    Path
        Where to write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> dest = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_write(dest) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> dest.read_text()
    'hello'
    """
    dest = Path(path)

    def cannot(exc: OSError) -> InputError:
        return InputError(f"cannot write the file ({exc.strerror or exc})", source=str(dest))

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=dest.suffix, dir=dest.parent)
    except OSError as exc:
        raise cannot(exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        try:
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, dest)
        except OSError as exc:
            raise cannot(exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


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


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Excel stores no time zones: write tz-aware timestamps as local wall time."""
    out = df
    for name in df.columns:
        if isinstance(df[name].dtype, pd.DatetimeTZDtype):
            out = out.copy() if out is df else out
            out[name] = df[name].dt.tz_localize(None)
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
    sales,12.5
    """
    tables = _tables(table)
    if str(path) == "-":
        for k, (name, df) in enumerate(tables.items()):
            if len(tables) > 1:
                sys.stdout.write(("\n" if k else "") + f"# {name}\n")
            df.to_csv(sys.stdout, index=False)
        sys.stdout.flush()
        return
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
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
            if len(df) + 1 > _EXCEL_MAX_ROWS:
                raise InputError(
                    f"table '{name}' has {len(df):,} rows, more than a spreadsheet holds; "
                    "use .csv or .parquet",
                    source=str(dest),
                )
    with atomic_write(dest) as tmp:
        if suffix == ".csv":
            (df,) = tables.values()
            df.to_csv(tmp, index=False)
        elif suffix == ".parquet":
            (df,) = tables.values()
            _without_attrs(df).to_parquet(tmp, index=False)
        else:
            taken: set[str] = set()
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, df in tables.items():
                    _excel_ready(df).to_excel(
                        writer, sheet_name=_sheet_name(name, taken), index=False
                    )


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
