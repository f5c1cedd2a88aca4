"""Datasette through its hooks: what remains beyond them (ARCHITECTURE.md lists each) is held here to
the Datasette it was written against, so that an upgrade that moves anything it relies on fails a
test that names what to look at, instead of changing a page unseen."""

from __future__ import annotations

import hashlib
import inspect
import re
from pathlib import Path

import datasette
import pytest
from datasette.app import Datasette
from datasette.database import Database

from mandate_notes.serve import SCHEMA_QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
DATASETTE_TEMPLATES = Path(datasette.__file__).parent / "templates"
OURS = ROOT / "server" / "templates"

# Datasette's templates whose blocks ours write whole (0.65 offers no smaller block), by the sha256 of
# the version ours were written from. A new digest means: read Datasette's new template beside ours,
# carry over what changed, then record the digest.
WRITTEN_FROM = {
    "table.html": "81cec4b0f7948bf0b4756b1a0ce706ce30d5694e506fd5639f3cd08a4a8f88a9",
    "row.html": "ff5dde41541c39dd09f1dee1bbb3e4e58e8487775b17e1c9650bd558eb1b5a17",
    "query.html": "bc3559df0e209da97d0bb46d0da5e36e02a9a561e4e473d1b79f62776786b435",
    "_table.html": "f75a8872713f28fdce49b9a44a397f26ba1b5db5e82a74dda1f20ec14faaaa57",
    "error.html": "c2115d1fdbff1a480b804fe880bafec9a754544f7b154e5322f680309ee3b497",
}
# Ours, by Datasette's template each is written from.
OUR_TEMPLATE = {"table.html": "table.html", "row.html": "row.html", "query.html": "query-mandate_notes.html",
                "_table.html": "_table.html", "error.html": "error.html"}


@pytest.mark.parametrize("name", sorted(WRITTEN_FROM))
def test_each_template_written_from_datasettes_is_held_to_the_version_it_was_written_from(name):
    digest = hashlib.sha256((DATASETTE_TEMPLATES / name).read_bytes()).hexdigest()
    assert digest == WRITTEN_FROM[name], (
        f"Datasette's templates/{name} changed since server/templates/{OUR_TEMPLATE[name]} was written "
        "from it: compare the two, carry over what changed, then record the new digest here")


def test_no_other_template_of_datasette_is_replaced():
    """Every other template of ours either has a name of its own or extends Datasette's through
    `default:` and its blocks (base.html, database.html, show_json.html wrap {{ super() }})."""
    replaced = []
    for path in OURS.glob("*.html"):
        if not (DATASETTE_TEMPLATES / path.name).exists() or path.name in OUR_TEMPLATE.values():
            continue
        text = path.read_text(encoding="utf-8")
        if f'{{% extends "default:{path.name}" %}}' not in text or "super()" not in text:
            replaced.append(path.name)
    assert not replaced, f"templates that replace Datasette's without extending it: {replaced}"


def test_the_blocks_our_templates_fill_are_still_datasettes():
    """A block that Datasette renamed or removed would be filled in vain: every block ours fill in a
    template extended through `default:` exists there."""
    for path in OURS.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        parent = re.search(r'\{% extends "default:([^"]+)" %\}', text)
        if not parent:
            continue
        theirs = set(re.findall(r"\{% block (\w+)", (DATASETTE_TEMPLATES / parent.group(1)).read_text(encoding="utf-8")))
        theirs |= set(re.findall(r"\{% block (\w+)", (DATASETTE_TEMPLATES / "base.html").read_text(encoding="utf-8")))
        filled = set(re.findall(r"\{% block (\w+)", text))
        assert filled <= theirs, f"{path.name} fills blocks Datasette's {parent.group(1)} lacks: {filled - theirs}"


def test_the_datasette_methods_the_server_overrides_are_still_there_as_they_were():
    """mandate_notes/serve.py keeps the answers of a few Datasette methods for a site whose metadata
    and database never change: each must still exist, with the arguments it is called with."""
    assert list(inspect.signature(Datasette._table_permission_allows).parameters) == ["self", "database", "table"]
    assert list(inspect.signature(Datasette.plugin_config).parameters) == [
        "self", "plugin_name", "database", "table", "fallback"]
    for name in SCHEMA_QUESTIONS:
        assert inspect.iscoroutinefunction(getattr(Database, name)), f"Database.{name} is no longer a coroutine"


def test_the_private_datasette_names_the_plugins_use_are_still_there():
    """server/plugins/errors.py turns off the rich traceback of Datasette's own error handler (a
    module-level name); server/plugins/hardening.py lists the databases by Datasette's own method."""
    import datasette.handle_exception as handler

    assert hasattr(handler, "rich"), "datasette.handle_exception no longer reads `rich`: see errors.py"
    assert callable(getattr(Datasette, "_connected_databases", None)), \
        "Datasette._connected_databases is gone: see hardening.py's /-/databases"
