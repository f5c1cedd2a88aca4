"""Regenerate every file derived from schemas/definitions.py and the version, or check (--check) that none is stale."""

import sys

from mandate_notes.generate import main

if __name__ == "__main__":
    sys.exit(main())
