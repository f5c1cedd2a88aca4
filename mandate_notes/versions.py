"""Dataset versions: semantic version numbers and the releases recorded in CHANGELOG.md.

A version is released when CHANGELOG.md has a dated heading for it (`## [X.Y.Z] - YYYY-MM-DD`).
That record travels with every clone, so nothing here depends on git tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mandate_notes.paths import ROOT
CHANGELOG = ROOT / "CHANGELOG.md"

VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
HEADING_RE = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\S+))?\s*$")


class ChangelogError(ValueError):
    """CHANGELOG.md breaks its form; the message names the line and the rule."""


def parse_version(text: str) -> tuple[int, int, int]:
    """The (major, minor, patch) of a semantic version number.

    >>> parse_version("1.10.0") > parse_version("1.9.3")
    True
    """
    match = VERSION_RE.match(text)
    if not match:
        raise ValueError(f"not a semantic version X.Y.Z: {text!r}")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def is_version(text: str) -> bool:
    return bool(VERSION_RE.match(text))


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    line: int


def releases(text: str, file: str = "CHANGELOG.md") -> list[Release]:
    """The released versions in a Keep-a-Changelog text, newest first, checked for form.

    Rules: every `## [...]` heading is `[Unreleased]` (first, undated) or `[X.Y.Z] - YYYY-MM-DD`;
    each version appears once; versions and dates fall strictly / weakly going down the file.

    >>> [r.version for r in releases("## [Unreleased]\\n## [0.2.0] - 2026-02-01\\n## [0.1.0] - 2026-01-01\\n")]
    ['0.2.0', '0.1.0']
    >>> try:
    ...     releases("## [0.1.0] - 2026-01-01\\n## [0.2.0] - 2026-02-01\\n")
    ... except ChangelogError as error:
    ...     print(error)
    CHANGELOG.md:2: version order: 0.2.0 is listed below 0.1.0 but is not older
    """
    found: list[Release] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("## "):
            continue
        match = HEADING_RE.match(line)
        if not match:
            raise ChangelogError(f"{file}:{number}: heading form: expected '## [X.Y.Z] - YYYY-MM-DD': {line!r}")
        name, when = match["name"], match["date"]
        if name == "Unreleased":
            if found or when:
                raise ChangelogError(f"{file}:{number}: unreleased heading: must be first and undated: {line!r}")
            continue
        if not is_version(name):
            raise ChangelogError(f"{file}:{number}: version form: not X.Y.Z: {name!r}")
        try:
            date.fromisoformat(when or "")
        except ValueError:
            raise ChangelogError(f"{file}:{number}: release date: not YYYY-MM-DD: {when!r}") from None
        if found:
            newer = found[-1]
            if parse_version(name) >= parse_version(newer.version):
                raise ChangelogError(
                    f"{file}:{number}: version order: {name} is listed below {newer.version} but is not older"
                )
            if when > newer.date:
                raise ChangelogError(f"{file}:{number}: date order: {name} dated {when}, after {newer.version} ({newer.date})")
        found.append(Release(name, when, number))
    return found


def released(changelog: Path = CHANGELOG) -> list[Release]:
    """The releases recorded in CHANGELOG.md, newest first."""
    if not changelog.exists():
        return []
    return releases(changelog.read_text(encoding="utf-8"), changelog.name)


def release_date(version: str, changelog: Path = CHANGELOG) -> str | None:
    """The date CHANGELOG.md gives for a release of this version, or None if it has none yet."""
    for release in released(changelog):
        if release.version == version:
            return release.date
    return None
