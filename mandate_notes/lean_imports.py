"""Imports that leave out what only tests need."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def without_modules(*names: str):
    """Inside the block, importing any of names fails with ImportError, as if it were not installed.

    A library that imports an optional package when it finds one (pandera and hypothesis) then takes
    its fallback. A module already imported stays as it is, and afterwards each name imports normally.
    """
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # the import system's own mark for "cannot be imported"
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


# Installed for the release's Parquet files, and imported by pandas whenever it is installed.
NOT_FOR_THE_GATE = ("pyarrow",)


def for_the_gate() -> None:
    """Called first by the commands that validate or build and never write Parquet: pandas then
    imports without pyarrow (a tenth of a second), keeping its own string storage."""
    if "pandas" in sys.modules:
        return
    for name in NOT_FOR_THE_GATE:
        sys.modules.setdefault(name, None)


def pyarrow_after_pandas() -> None:
    """Makes pyarrow importable again, once pandas is imported (with the string storage that
    for_the_gate chose): for the large files that Arrow's CSV reader parses."""
    import pandas  # noqa: F401

    if sys.modules.get("pyarrow", 0) is None:
        del sys.modules["pyarrow"]
