"""Validate the data package; print each problem as FILE:LINE: column: rule: value and exit 1 if any."""

import sys

from mandate_notes.validate import main

if __name__ == "__main__":
    sys.exit(main())
