"""Validate the package, then build the SQLite database from its CSVs: keys, indexes, full-text search;"""

import sys

from mandate_notes.build import main

if __name__ == "__main__":
    sys.exit(main())
