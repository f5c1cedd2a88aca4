"""Draw the sample of operative paragraphs for a blind second coding of their mandate tasks."""

import sys

from mandate_notes.task_sample import main

if __name__ == "__main__":
    sys.exit(main())
