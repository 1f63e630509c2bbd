"""Reading, validating and writing tables (CSV / Excel / Parquet) and HTML reports.

Readers name the file, column and rows in every error
(:class:`staffing.errors.InputError`); writers are atomic, so a failed run never leaves a
half-written file.
"""

from __future__ import annotations

from staffing.io.tables import (
    TABLE_SUFFIXES,
    atomic_write,
    parse_column_options,
    read_table,
    write_table,
)
from staffing.frames import bad_rows, check_column, require_columns, to_timestamps

__all__ = [
    "TABLE_SUFFIXES",
    "atomic_write",
    "bad_rows",
    "check_column",
    "parse_column_options",
    "read_table",
    "require_columns",
    "to_timestamps",
    "write_table",
]
