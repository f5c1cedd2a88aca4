"""Build dist/mandate-notes-X.Y.Z.zip, byte-identical on every run from the same commit."""

import sys

from mandate_notes.release import main

if __name__ == "__main__":
    sys.exit(main())
