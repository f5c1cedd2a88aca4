"""Split a meeting note's plain text into data/paragraphs.csv, re-joining page-broken paragraphs."""

import sys

from mandate_notes.paragraphs import main

if __name__ == "__main__":
    sys.exit(main())
