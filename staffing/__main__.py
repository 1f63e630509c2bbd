"""``python -m staffing``: the command line, as ``staffing``."""

from staffing.cli import main

if __name__ == "__main__":
    main()
