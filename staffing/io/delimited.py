"""Delimited text (CSV, TSV, semicolon or pipe) read through pyarrow, whole or batch by batch.

A file is first *sniffed*: its encoding (UTF-8 with or without a byte-order mark,
UTF-16 with one, else Windows-1252), its delimiter (comma, semicolon, tab or pipe, decided
by the header line) and its header. Every column is then read as text, in parallel, and
converted here the same way whether the file is read at once or batch by batch, so a chunk
of a file reads exactly as the same rows of the whole:

* id columns (:data:`ID_COLUMNS`: ``queue``, ``agent``...) stay text (``007`` keeps its
  zeros), less surrounding spaces;
* a column of whole numbers with no missing cell is ``int64``, a column of numbers
  ``float64`` (surrounding spaces ignored); with a semicolon, tab or pipe delimiter a
  column holding only numbers with a decimal comma (``2,5``) is a number column too;
* ``True`` / ``False`` in every cell is a boolean column; anything else is text (leading
  spaces removed).

Empty cells and :data:`MISSING_TOKENS` are missing; ``NA`` is text (a queue may be named
so).
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from staffing.errors import InputError
from staffing.frames.values import DataWarning

__all__ = [
    "ID_COLUMNS",
    "MISSING_TOKENS",
    "TextLayout",
    "frame_from_arrow",
    "id_names",
    "read_delimited",
    "sniff_text",
    "stream_delimited",
]

#: Our columns that hold ids: read as text, so ``007`` keeps its zeros.
ID_COLUMNS: tuple[str, ...] = ("queue", "agent", "pool", "channel", "shift")
#: Text read as missing. Not "NA": that is North America in many queue names.
MISSING_TOKENS: tuple[str, ...] = ("", "NaN", "nan", "-nan", "NULL", "null", "#N/A", "N/A", "n/a")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
_DECIMAL_COMMA = r"^\s*[+-]?(\d+|\d*,\d+)\s*$"
_NOT_THOUSANDS = r",(\d{1,2}|\d{4,})\s*$"
_TRUE, _FALSE = ("True", "TRUE", "true"), ("False", "FALSE", "false")
#: Bytes of text pyarrow parses at a time when streaming.
BLOCK_BYTES = 4 << 20


def id_names(header: Sequence[str], columns: Mapping[str, str] | None = None) -> list[str]:
    """The names in ``header`` of the id columns (mapped or our own, any case)."""
    wanted = {(columns or {}).get(c, c).strip().casefold() for c in ID_COLUMNS}
    return [h for h in header if h.strip().lstrip("\ufeff").strip().casefold() in wanted]


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


def _encodings(head: bytes) -> tuple[str, ...]:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    return ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text file is written: encoding, delimiter and header.

    ``header`` holds the file's column names as written (quotes removed, byte-order mark
    dropped); ``encodings`` the encodings to try in turn (the first that reads the whole
    file wins).
    """

    path: Path
    source: str
    encodings: tuple[str, ...]
    delimiter: str
    header: tuple[str, ...]

    def ids(self, columns: Mapping[str, str] | None = None) -> list[str]:
        """The file's names of the id columns (mapped or our own, any case)."""
        return id_names(self.header, columns)

    def options(
        self, encoding: str, include: Sequence[str] | None = None, block_size: int | None = None
    ) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
        """Pyarrow's options to read the file as text columns."""
        read = pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8-sig" else encoding,
            **({"block_size": block_size} if block_size else {}),
        )
        parse = pacsv.ParseOptions(delimiter=self.delimiter)
        convert = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.header},
            null_values=list(MISSING_TOKENS),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            **({"include_columns": list(include)} if include is not None else {}),
        )
        return read, parse, convert


def sniff_text(path: str | os.PathLike[str], source: str) -> TextLayout:
    """The encoding candidates, delimiter and header of a delimited text file.

    Raises
    ------
    InputError
        An empty file, NUL bytes in a file without a UTF-16 byte-order mark, or text no
        candidate encoding decodes.
    """
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise InputError("the file is empty", source=source)
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "holds NUL bytes: UTF-16 text without a byte-order mark, or not text at all; "
            "save it as UTF-8 CSV",
            source=source,
        )
    candidates = _encodings(head)
    for k, encoding in enumerate(candidates):
        try:
            sample = head.decode(
                encoding, errors="strict" if len(head) < _SNIFF_BYTES else "ignore"
            )
        except UnicodeDecodeError:
            continue
        sample = sample.lstrip("\ufeff")
        if not sample.strip():
            raise InputError("the file is empty", source=source)
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(sample)
        first = sample.splitlines()[0]
        header = tuple(next(csv.reader([first], delimiter=delimiter)))
        return TextLayout(path, source, candidates[k:], delimiter, header)
    raise InputError("cannot decode the text (save it as UTF-8)", source=source)


def _invalid_utf8(exc: pa.ArrowInvalid) -> bool:
    return "UTF8" in str(exc) or "UTF-8" in str(exc)


def _first_bad_row(layout: TextLayout, encoding: str) -> int | None:
    """The line number of the first malformed row.

    The file is read again on one thread: pyarrow knows row numbers only then.
    """
    found: list[int | None] = []
    read, parse, convert = layout.options(encoding)
    read.use_threads = False
    parse.invalid_row_handler = _row_handler(found)
    with contextlib.suppress(pa.ArrowInvalid):
        for _ in pacsv.open_csv(layout.path, read, parse, convert):
            pass
    return found[0] if found else None


def _parse_error(
    exc: pa.ArrowInvalid, layout: TextLayout, encoding: str, bad_row: list[int | None]
) -> InputError:
    detail = str(exc).strip().splitlines()[0]
    detail = re.sub(r"^CSV parse error: (Row #\d+: )?", "", detail)
    row = bad_row[0] if bad_row and bad_row[0] is not None else _first_bad_row(layout, encoding)
    where = f"row {row}: " if row is not None else ""
    detail = detail[:1].lower() + detail[1:]
    return InputError(f"cannot read as a table ({where}{detail})", source=layout.source)


def _row_handler(bad_row: list[int | None]) -> object:
    def handler(row: object) -> str:
        bad_row.append(getattr(row, "number", None))
        return "error"

    return handler


def read_delimited(
    path: str | os.PathLike[str], source: str, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A whole delimited text file as a table (see the module notes for the types).

    Parameters
    ----------
    path : path
        The file.
    source : str
        Its name in messages.
    columns : mapping, optional
        Our column name -> the file's, to know which mapped columns are ids.

    Raises
    ------
    InputError
        Empty, undecodable or malformed (a row with more cells than the header) text.
    """
    layout = sniff_text(path, source)
    for encoding in layout.encodings:
        bad_row: list[int | None] = []
        read, parse, convert = layout.options(encoding)
        parse.invalid_row_handler = _row_handler(bad_row)
        try:
            table = pacsv.read_csv(layout.path, read, parse, convert)
        except pa.ArrowInvalid as exc:
            if _invalid_utf8(exc):
                continue
            if "Empty CSV file" in str(exc):
                raise InputError("the file is empty", source=source) from None
            raise _parse_error(exc, layout, encoding, bad_row) from None
        except UnicodeDecodeError:
            continue
        warn_if_cut_off(layout.path, source, table.num_rows)
        return frame_from_arrow(table, layout.ids(columns), decimal_comma=layout.delimiter != ",")
    raise InputError("cannot decode the text (save it as UTF-8)", source=source)


def warn_if_cut_off(path: Path, source: str, rows: int) -> None:
    """Warn when a text file does not end with a line break.

    Its last row may be cut off in the middle (a partial copy or download), every cell
    present but the last one short; the rows before it are whole.
    """
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return
        fh.seek(-1, os.SEEK_END)
        last = fh.read(1)
    if last in (b"\n", b"\r") or rows == 0:
        return
    warnings.warn(
        f"{source}: the file does not end with a line break, so its last row (row "
        f"{rows + 1}) may be cut off: check that row, or save the file whole again",
        DataWarning,
        stacklevel=3,
    )


def stream_delimited(
    layout: TextLayout,
    encoding: str,
    include: Sequence[str] | None = None,
    block_size: int = BLOCK_BYTES,
) -> Iterator[pa.RecordBatch]:
    """The file's rows as batches of text columns (``include``: only these columns).

    Raises
    ------
    InputError
        Malformed text; ``UnicodeError`` subclasses are left to the caller, which
        tries the next encoding.
    """
    bad_row: list[int | None] = []
    read, parse, convert = layout.options(encoding, include, block_size)
    parse.invalid_row_handler = _row_handler(bad_row)
    try:
        reader = pacsv.open_csv(layout.path, read, parse, convert)
        yield from reader
    except pa.ArrowInvalid as exc:
        if _invalid_utf8(exc):
            raise UnicodeError(str(exc)) from None
        if "Empty CSV file" in str(exc):
            raise InputError("the file is empty", source=layout.source) from None
        raise _parse_error(exc, layout, encoding, bad_row) from None


def _cast(col: pa.ChunkedArray | pa.Array, kind: pa.DataType) -> pa.ChunkedArray | None:
    try:
        return pc.cast(col, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _padded(col: pa.ChunkedArray | pa.Array, ends: bool = True) -> bool:
    """Whether some value starts (or, with ``ends``, ends) with a space or tab."""
    tests = (pc.starts_with, pc.ends_with) if ends else (pc.starts_with,)
    return any(pc.any(test(col, pattern=p)).as_py() for test in tests for p in (" ", "\t"))


_SAMPLE = 64


def _numbers(col: pa.ChunkedArray | pa.Array, decimal_comma: bool) -> np.ndarray | None:
    """The column as int64 (whole, none missing) or float64, or None when not numbers."""
    head = pc.utf8_trim_whitespace(pc.drop_null(col.slice(0, 4 * _SAMPLE))[:_SAMPLE])
    if _cast(head, pa.float64()) is not None:
        integers = col.null_count == 0 and _cast(head, pa.int64()) is not None
        text = col
        for attempt in range(2):
            whole = _cast(text, pa.int64()) if integers else None
            if whole is not None:
                return np.asarray(whole)
            number = _cast(text, pa.float64())
            if number is not None:
                return number.to_numpy(zero_copy_only=False)
            if attempt or not _padded(col):
                break
            text = pc.utf8_trim_whitespace(col)
    if pc.any(pc.match_substring(head, ",")).as_py():
        present = pc.drop_null(col)
        if pc.all(pc.match_substring_regex(present, _DECIMAL_COMMA)).as_py() and (
            decimal_comma
            # a comma-separated file's quoted "81,4": a decimal comma when some value has
            # other than three digits after it (1,234 alone could be a thousands comma)
            or pc.any(pc.match_substring_regex(present, _NOT_THOUSANDS)).as_py()
        ):
            dotted = pc.replace_substring(pc.utf8_trim_whitespace(col), ",", ".")
            return pc.cast(dotted, pa.float64()).to_numpy(zero_copy_only=False)
    return None


def _booleans(col: pa.ChunkedArray | pa.Array) -> np.ndarray | None:
    """The column as booleans when every value is True or False (any case), else None."""
    if col.null_count:
        return None
    head = pc.utf8_trim_whitespace(col.slice(0, _SAMPLE))
    known = pa.array(_TRUE + _FALSE)
    if not pc.all(pc.is_in(head, known)).as_py():
        return None
    values = pc.utf8_trim_whitespace(col)
    if not pc.all(pc.is_in(values, known)).as_py():
        return None
    return np.asarray(pc.is_in(values, pa.array(_TRUE)).to_numpy(zero_copy_only=False))


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str", as read_csv gives


def _text(col: pa.ChunkedArray | pa.Array) -> pd.Series:
    return col.to_pandas(types_mapper={pa.string(): _TEXT}.get)


def _column(col: pa.ChunkedArray | pa.Array, is_id: bool, decimal_comma: bool) -> object:
    if is_id:  # ids: text as written, less surrounding spaces
        return _text(pc.utf8_trim_whitespace(col) if _padded(col) else col)
    if col.null_count == len(col):
        return np.full(len(col), np.nan)
    numbers = _numbers(col, decimal_comma)
    if numbers is not None:
        return numbers
    truth = _booleans(col)
    if truth is not None:
        return truth
    return _text(pc.utf8_ltrim_whitespace(col) if _padded(col, ends=False) else col)


def frame_from_arrow(
    table: pa.Table | pa.RecordBatch, ids: Sequence[str] = (), *, decimal_comma: bool = False
) -> pd.DataFrame:
    """Text columns read by pyarrow as a table of numbers, booleans and text (module notes).

    Examples
    --------
    >>> t = pa.table({"queue": ["007", "NA"], "calls": ["12", " 13"], "aht_s": ["1,5", "2"]})
    >>> df = frame_from_arrow(t, ["queue"], decimal_comma=True)
    >>> df.dtypes.astype(str).tolist(), df["queue"].tolist(), df["aht_s"].tolist()
    (['str', 'int64', 'float64'], ['007', 'NA'], [1.5, 2.0])
    """
    names = list(table.schema.names)
    data = {j: _column(table.column(j), name in ids, decimal_comma) for j, name in enumerate(names)}
    out = pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))
    out.columns = pd.Index(names, dtype=object)
    return out
