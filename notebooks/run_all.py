"""Execute every notebook into ``out/notebooks/`` with its outputs, to read or open.

Run by ``make notebooks``; the notebooks in ``notebooks/`` stay as committed (without
outputs). Each runs from ``notebooks/`` in a fresh kernel, as the tests run them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(HERE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        ).execute()
        target = out / path.name
        nbformat.write(nb, target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/notebooks"))
