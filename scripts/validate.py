"""Validate the data package; print each problem as FILE:LINE: column: rule: value and exit 1 if any."""

import sys

from mandate_notes.lean_imports import for_the_gate

for_the_gate()
from mandate_notes.validate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
