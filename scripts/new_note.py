"""Start a new meeting note: its folder under sources/, document.toml, the split, pre-filled exclusions and stub rows."""

import sys

from mandate_notes.new_note import main

if __name__ == "__main__":
    sys.exit(main())
