"""Where things are: every path of the checkout, stated once.

Files under a folder named generated/ are made by a command (its name is in CONTRIBUTING.md) and
checked for drift by `make validate`; everything else is edited by hand.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = "data"
GENERATED = "generated"
SOURCES_DIR = "sources"
DATABASE_NAME = "mandate_notes"
DATABASE_FILE = f"{DATABASE_NAME}.db"
DEFAULT_DATABASE = ROOT / "build" / DATABASE_FILE
# Where `make release` writes the release archives, and `make serve` serves them from.
RELEASES = ROOT / "dist"
CODEBOOK = ROOT / "docs" / GENERATED / "codebook.md"
AGREEMENT = ROOT / "docs" / GENERATED / "agreement.md"
BENCHMARKS = ROOT / "docs" / GENERATED / "benchmarks.md"
CODING_RULES = ROOT / "docs" / "coding-rules.md"
SERVER_METADATA = ROOT / "server" / GENERATED / "metadata.json"
# The codebook and the agreement report as the site's pages include them (pages/codebook.html, …).
PAGE_FRAGMENTS = ROOT / "server" / "templates" / GENERATED
# The site's own pages (Datasette serves pages/NAME.html at /NAME).
SITE_PAGES = ROOT / "server" / "templates" / "pages"
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # footnote markers as the source texts print them
