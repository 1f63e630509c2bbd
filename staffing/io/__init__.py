"""Files in and out.

Tables (CSV / Excel / Parquet), every reader, ``calibration.json``, HTML reports, and
forecast files of any size planned in one call (:func:`~staffing.io.plan_file`).

Readers name the file, column and rows in every error
(:class:`staffing.errors.InputError`) and hand their tables to the domain function that
validates them; writers are atomic, so a failed run never leaves a half-written file.
This layer sits above the domain packages: they never import it.
"""

from __future__ import annotations

from staffing.frames import bad_rows, check_column, require_columns, to_timestamps
from staffing.io.calibration import load_calibration, write_calibration
from staffing.io.forecasting import read_aht_table, read_call_history, read_holidays
from staffing.io.pipeline import (
    FileProgress,
    FileResult,
    ForecastFile,
    compare_file,
    evaluate_file,
    plan_file,
)
from staffing.io.readers import (
    ReadOptions,
    is_bank_log,
    read_bank_log,
    read_call_records,
    read_forecast,
    read_history,
    read_history_table,
    read_people,
    read_plan,
    read_requirement,
    read_roster,
    read_shifts,
    read_targets,
)
from staffing.io.tables import (
    TABLE_SUFFIXES,
    WRITABLE_SUFFIXES,
    OutputSet,
    atomic_write,
    read_table,
    write_table,
)

__all__ = [
    "TABLE_SUFFIXES",
    "WRITABLE_SUFFIXES",
    "FileProgress",
    "FileResult",
    "ForecastFile",
    "OutputSet",
    "ReadOptions",
    "atomic_write",
    "bad_rows",
    "check_column",
    "compare_file",
    "evaluate_file",
    "is_bank_log",
    "load_calibration",
    "plan_file",
    "read_aht_table",
    "read_bank_log",
    "read_call_history",
    "read_call_records",
    "read_forecast",
    "read_history",
    "read_history_table",
    "read_holidays",
    "read_people",
    "read_plan",
    "read_requirement",
    "read_roster",
    "read_shifts",
    "read_table",
    "read_targets",
    "require_columns",
    "to_timestamps",
    "write_calibration",
    "write_table",
]
