"""Inter-coder agreement between the published coding and the independent second coding."""

import sys

from mandate_notes.agreement import main

if __name__ == "__main__":
    sys.exit(main())
