"""Calibration from an ACD history: patience, the abandon-rate/service-level relation,
drift between periods, and a back-test of Erlang C against Erlang A.

Everything here works on pandas tables; files are read through :mod:`staffing.io`.
"""

from __future__ import annotations

from staffing.calibration.backtest import BACKTEST_COLUMNS, BACKTEST_SUMMARY_COLUMNS, BackTest
from staffing.calibration.bank import read_bank_log
from staffing.calibration.calibrate import (
    CalibrationWarning,
    Calibrator,
    calibrate,
    load_calibration,
    patience_for,
)
from staffing.calibration.drift import (
    patience_changes,
    patience_drift,
    relation_by_period,
    relation_drift,
)
from staffing.calibration.history import (
    DEFAULT_QUEUE,
    HISTORY_COLUMNS,
    RECORD_COLUMNS,
    aggregate_records,
    history_kind,
    read_call_records,
    read_history,
    staffed_agents,
    validate_intervals,
    validate_records,
)
from staffing.calibration.patience import (
    PATIENCE_COLUMNS,
    KaplanMeier,
    PatienceFitter,
    PatienceWarning,
    exponential_mean_ci,
    period_labels,
)
from staffing.calibration.relation import (
    RelationFitter,
    RelationWarning,
    erlang_a_service_level,
    relation_points,
)

__all__ = [
    "BACKTEST_COLUMNS",
    "BACKTEST_SUMMARY_COLUMNS",
    "DEFAULT_QUEUE",
    "HISTORY_COLUMNS",
    "PATIENCE_COLUMNS",
    "RECORD_COLUMNS",
    "BackTest",
    "CalibrationWarning",
    "Calibrator",
    "KaplanMeier",
    "PatienceFitter",
    "PatienceWarning",
    "RelationFitter",
    "RelationWarning",
    "aggregate_records",
    "calibrate",
    "erlang_a_service_level",
    "exponential_mean_ci",
    "history_kind",
    "load_calibration",
    "patience_changes",
    "patience_drift",
    "patience_for",
    "period_labels",
    "read_bank_log",
    "read_call_records",
    "read_history",
    "relation_by_period",
    "relation_drift",
    "relation_points",
    "staffed_agents",
    "validate_intervals",
    "validate_records",
]
