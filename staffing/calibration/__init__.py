"""Calibration from an ACD history.

Patience, the abandon-rate/service-level relation, drift between periods, and a back-test
of Erlang C against Erlang A.

Everything here works on pandas tables; files are read by :mod:`staffing.io`
(:func:`~staffing.io.read_history`, :func:`~staffing.io.read_call_records`,
:func:`~staffing.io.read_bank_log`, :func:`~staffing.io.load_calibration`). Every
estimator is a ``...Fitter`` with ``fit(data) -> self`` and fitted attributes ending in
``_`` (``CalibrationFitter``, ``PatienceFitter``, ``RelationFitter``,
``KaplanMeierFitter``, ``BackTestFitter``).
"""

from __future__ import annotations

from staffing.calibration.backtest import (
    BACKTEST_COLUMNS,
    BACKTEST_SUMMARY_COLUMNS,
    BackTest,
    BackTestFitter,
)
from staffing.calibration.bank import BANK_CALL_TYPES, BANK_FIELDS, BANK_MONTHS, bank_records
from staffing.calibration.calibrator import (
    CalibrationFitter,
    CalibrationWarning,
    Calibrator,
    calibrate,
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
    prepare_history,
    staffed_agents,
    validate_intervals,
    validate_records,
)
from staffing.calibration.patience import (
    PATIENCE_COLUMNS,
    KaplanMeier,
    KaplanMeierFitter,
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
from staffing.calibration.schema import (
    CALIBRATION_PERIODS,
    calibrated_patience,
    calibration_dict,
    check_calibration,
    patience_for,
)

__all__ = [
    "BACKTEST_COLUMNS",
    "BACKTEST_SUMMARY_COLUMNS",
    "BANK_CALL_TYPES",
    "BANK_FIELDS",
    "BANK_MONTHS",
    "CALIBRATION_PERIODS",
    "DEFAULT_QUEUE",
    "HISTORY_COLUMNS",
    "PATIENCE_COLUMNS",
    "RECORD_COLUMNS",
    "BackTest",
    "BackTestFitter",
    "CalibrationFitter",
    "CalibrationWarning",
    "Calibrator",
    "KaplanMeier",
    "KaplanMeierFitter",
    "PatienceFitter",
    "PatienceWarning",
    "RelationFitter",
    "RelationWarning",
    "aggregate_records",
    "bank_records",
    "calibrate",
    "calibrated_patience",
    "calibration_dict",
    "check_calibration",
    "erlang_a_service_level",
    "exponential_mean_ci",
    "history_kind",
    "patience_changes",
    "patience_drift",
    "patience_for",
    "period_labels",
    "prepare_history",
    "relation_by_period",
    "relation_drift",
    "relation_points",
    "staffed_agents",
    "validate_intervals",
    "validate_records",
]
