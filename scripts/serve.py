"""Serve the built database read-only through Datasette (immutable, inspected, time-limited)."""

import sys

from mandate_notes.serve import main

if __name__ == "__main__":
    sys.exit(main())
