"""Row-level report of what changed between two versions of the package, table by table."""

import sys

from mandate_notes.diff import main

if __name__ == "__main__":
    sys.exit(main())
