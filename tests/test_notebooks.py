"""Every notebook in ``notebooks/`` runs top to bottom.

Each ``notebooks/*.ipynb`` is executed with nbclient in a fresh kernel, from the
``notebooks/`` directory (notebooks find sample data through ``staffing.data.sample_path``
and real data at ``../../shared/realdata`` or ``$STAFFING_REALDATA``). New notebooks are
picked up automatically. Notebooks are stored without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

pytestmark = pytest.mark.slow


def test_there_are_notebooks() -> None:
    """The glob finds the notebooks (a moved directory must not pass silently)."""
    assert any(p.name == "01_erlang_basics.ipynb" for p in PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    """Committed notebooks carry no outputs or execution counts."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path) -> None:
    """Execute every cell in order; any exception in a cell fails the test."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
