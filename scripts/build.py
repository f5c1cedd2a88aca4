"""Validate the package, then build the SQLite database from its CSVs: keys, indexes, full-text search;"""

import sys

from mandate_notes.lean_imports import for_the_gate

for_the_gate()
from mandate_notes.build import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
