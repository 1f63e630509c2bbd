"""CSV written through pyarrow: a table of millions of rows in seconds, in one pass or in chunks.

Every CSV the tool writes goes through here, so a file reads the same whether it was
written at once or chunk by chunk (byte for byte). The text follows the conventions of
the tables the tool reads back:

* floats to 12 significant digits (``420.8``, not ``420.79999999999995``), shortest form
  (``14``, not ``14.0``); NaN as an empty cell; infinities as ``inf`` / ``-inf``;
* timestamps as ``2025-03-03 08:30:00`` (``2025-03-03`` in a column of whole days), with
  the UTC offset (``+01:00``) where they carry a time zone;
  written chunk by chunk, a column is one of whole days only when the writer is told so
  (``CsvWriter(..., dates=...)``): a chunk cannot know what the next one holds;
* text quoted (``"sales"``), numbers and timestamps not; the header not quoted;
* booleans as ``True`` / ``False``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["CsvWriter", "csv_text", "round_significant", "to_csv_table"]

#: Significant digits of floats in CSV.
SIGNIFICANT = 12
#: Whole floats below this print the same as integers (pyarrow writes a double in its
#: shortest form, in full up to 1e10), so writing them as integers (three times faster)
#: never changes the text, whichever chunk a value falls in.
_INTEGER_PRINTED = 1e9


#: 10**0 ... 10**22: every one an exact double.
_POWERS_OF_TEN = np.array([10.0**k for k in range(23)])


def _whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number printed as an integer.

    A first look at the head settles most columns of fractions.
    """
    for part in (values[:1024], values):
        if not np.all((np.abs(part) < _INTEGER_PRINTED) & (part == np.round(part))):
            return False
    return True


def round_significant(values: np.ndarray, digits: int = SIGNIFICANT) -> np.ndarray:
    """Floats rounded to ``digits`` significant digits, as the nearest double to the decimal.

    The value is scaled to an integer of ``digits`` digits, rounded, and divided back: both
    the integer and the power of ten are exact doubles, so the quotient is the double
    nearest the decimal and prints in its short form.

    Examples
    --------
    >>> [str(v) for v in round_significant(np.array([0.1 + 0.2, 420.79999999999995, 1 / 3]))]
    ['0.3', '420.8', '0.333333333333']
    """
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x) & (x != 0)
    # decimal exponent from the binary one (frexp is cheap): floor((e - 1) log10 2) is the
    # exponent or one below it, so a value keeps 12 or 13 significant digits
    _, binary = np.frexp(np.where(finite, x, 1.0))
    exponent = np.floor((binary - 1) * 0.30102999566398120).astype(np.int64)
    decimals = digits - 1 - exponent
    scalable = finite & (decimals >= 0) & (decimals <= 22)
    scale = _POWERS_OF_TEN[np.where(scalable, decimals, 0)]  # exact doubles, as 10.0 ** k
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.where(scalable, np.round(x * scale) / scale, x)
    return out


def _timestamps(col: pd.Series, days: bool | None = None) -> pa.Array:
    """A timestamp column as Arrow.

    Naive timestamps as Arrow seconds (written unquoted), whole days as dates (``days``:
    say whether the column is one of whole days; by default, when every value is); with a
    time zone, the wall clock and its offset as text.
    """
    aware = isinstance(col.dtype, pd.DatetimeTZDtype)
    wall = col.dt.tz_localize(None) if aware else col
    values = wall.to_numpy()
    if days is None:
        present = ~np.isnat(values)
        days = bool((values[present] == values[present].astype("datetime64[D]")).all())
    if days and not aware:
        return pa.array(values.astype("datetime64[D]"))
    if not aware:
        return pa.array(values.astype("datetime64[s]"))
    text = pa.array(values.astype("datetime64[s]")).cast(pa.string())
    offsets = ((wall - col.dt.tz_convert("UTC").dt.tz_localize(None)).dt.total_seconds()).to_numpy()
    minutes = np.nan_to_num(offsets / 60.0).astype(np.int64)
    sign = np.where(minutes < 0, "-", "+")
    hh, mm = np.divmod(np.abs(minutes), 60)
    suffix = np.char.add(np.char.add(sign, np.char.zfill(hh.astype(str), 2)), ":")
    suffix = np.char.add(suffix, np.char.zfill(mm.astype(str), 2))
    return pc.binary_join_element_wise(text, pa.array(suffix), "")


def _column(col: pd.Series, days: bool | None = None) -> pa.Array:
    kind = col.dtype.kind
    if kind == "M" or isinstance(col.dtype, pd.DatetimeTZDtype):
        return _timestamps(col, days)
    if kind == "f":
        values = col.to_numpy(dtype=float)
        missing = np.isnan(values)
        present = values[~missing] if missing.any() else values
        if present.size and _whole_numbers(present):
            # whole numbers (seconds, thresholds, agents) print as integers, and faster
            return pa.array(np.where(missing, 0, values).astype(np.int64), mask=missing)
        values = round_significant(values)
        return pa.array(values, mask=missing, type=pa.float64())
    if kind in "iu":
        return pa.array(col.to_numpy())
    if kind == "b" or isinstance(col.dtype, pd.BooleanDtype):
        missing = col.isna().to_numpy()
        truth = col.fillna(False).to_numpy(dtype=bool)
        return pa.array(np.where(truth, "True", "False"), mask=missing, type=pa.string())
    if isinstance(col.dtype, pd.CategoricalDtype):
        categories = pa.array([str(c) for c in col.cat.categories], type=pa.string())
        codes = pa.array(col.cat.codes.to_numpy(), mask=col.cat.codes.to_numpy() < 0)
        return pa.DictionaryArray.from_arrays(codes, categories).cast(pa.string())
    if pd.api.types.is_extension_array_dtype(col.dtype) and col.dtype.kind in "iuf":
        return pa.array(col.to_numpy(dtype=float, na_value=np.nan), from_pandas=True)
    try:
        return pa.array(col, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed objects: their text
        text = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in col]
        return pa.array(text, type=pa.string())


def to_csv_table(df: pd.DataFrame, dates: Mapping[str, bool] | None = None) -> pa.Table:
    """``df`` as an Arrow table of the types the CSV text is written from (see module notes).

    ``dates`` says of timestamp columns whether they are written as dates (default: those
    whose every value is a midnight).
    """
    given = dates or {}
    return pa.table({str(name): _column(df[name], given.get(str(name))) for name in df.columns})


def _options(header: bool) -> pacsv.WriteOptions:
    return pacsv.WriteOptions(include_header=header, quoting_style="needed", quoting_header="none")


def csv_text(df: pd.DataFrame) -> str:
    """The CSV text of a table (see the module notes).

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"queue": ["sales"], "calls": [0.1 + 0.2]})), end="")
    queue,calls
    "sales",0.3
    """
    buffer = io.BytesIO()
    pacsv.write_csv(to_csv_table(df), buffer, _options(True))
    return buffer.getvalue().decode("utf-8")


class CsvWriter:
    r"""A CSV file written chunk by chunk: the same bytes as :func:`csv_text` of the whole.

    Each chunk is written with its own Arrow types (a column of whole numbers in one chunk
    and fractions in the next prints each value as the whole would); the header once.

    Parameters
    ----------
    sink : path or binary file object
        Where to write.
    dates : mapping of column -> bool, optional
        Timestamp columns written as dates (``True``) or date and time (``False``). Give
        it when the chunks do not all come at once: a column is one of whole days only
        if every chunk's is, which the first chunk cannot tell.

    Examples
    --------
    >>> buffer = io.BytesIO()
    >>> with CsvWriter(buffer) as out:
    ...     out.write(pd.DataFrame({"a": [1.5]}))
    ...     out.write(pd.DataFrame({"a": [2.0]}))
    >>> buffer.getvalue().decode()
    'a\n1.5\n2\n'
    """

    def __init__(
        self, sink: str | os.PathLike[str] | IO[bytes], dates: Mapping[str, bool] | None = None
    ) -> None:
        self._sink: Any = sink
        self._dates = dict(dates or {})
        self._file: IO[bytes] | None = None
        self._target: Any = None
        self._columns: list[str] | None = None
        self.rows = 0

    def __enter__(self) -> CsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df``'s rows (the first call writes the header too)."""
        self.write_arrow(to_csv_table(df, self._dates))

    def write_arrow(self, table: pa.Table) -> None:
        """Append a table already made by :func:`to_csv_table` (for a writer thread)."""
        if self._target is None:
            if isinstance(self._sink, str | os.PathLike):
                self._file = open(self._sink, "wb")  # noqa: SIM115 (closed in close())
                self._target = self._file
            else:
                self._target = self._sink
            self._columns = list(table.column_names)
            pacsv.write_csv(table.slice(0, 0), self._target, _options(True))
        elif list(table.column_names) != self._columns:
            raise ValueError(f"columns {table.column_names} differ from {self._columns}")
        pacsv.write_csv(table, self._target, _options(False))
        self.rows += table.num_rows

    def close(self) -> None:
        """Flush the output, and close it when this writer opened it."""
        if self._target is not None and self._file is None:
            self._target.flush()
        self._target = None
        if self._file is not None:
            self._file.close()
            self._file = None
