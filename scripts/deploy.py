"""Deploy the site: a container image by `datasette package`, or Google Cloud Run by `datasette publish cloudrun`."""

import sys

from mandate_notes.deploy import main

if __name__ == "__main__":
    sys.exit(main())
