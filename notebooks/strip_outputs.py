"""Strip a notebook's outputs and execution counts: the form notebooks are committed in.

As a git filter (set up by ``make``; see ``.gitattributes``) it reads a notebook on
standard input and writes it stripped on standard output, so a notebook saved with its
figures is committed without them and ``make test`` finds the repository clean. With
file arguments it strips those files in place::

    .venv/bin/python notebooks/strip_outputs.py notebooks/*.ipynb
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def strip(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook without outputs, execution counts or per-run metadata."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    return notebook


def _dump(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(paths: list[str]) -> None:
    if not paths:
        sys.stdout.write(_dump(strip(json.load(sys.stdin))))
        return
    for name in paths:
        path = Path(name)
        path.write_text(_dump(strip(json.loads(path.read_text(encoding="utf-8")))), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
