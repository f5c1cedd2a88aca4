"""Serve the built database read-only through Datasette (immutable, inspected, time-limited)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = ROOT / "build" / "mandate_notes.db"
INSPECT = ROOT / "build" / "inspect.json"
SERVER = ROOT / "server"
METADATA = SERVER / "metadata.json"

# Read-only and bounded: every query stops after one second; a page holds at most 1,000 rows.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_page_size": 100,
    "facet_time_limit_ms": 200,
    "allow_download": True,
    "default_cache_ttl": 300,
}


def optional_dirs() -> dict:
    """Templates, plugins and static files live in server/ when present."""
    found = {}
    for name, key in (("templates", "template_dir"), ("plugins", "plugins_dir"), ("static", "static")):
        if (SERVER / name).is_dir():
            found[key] = SERVER / name
    return found


def write_inspect_file(database: Path = DATABASE, inspect_file: Path = INSPECT) -> None:
    """Row counts for immutable mode, so Datasette never counts on a request."""
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(database), "--inspect-file", str(inspect_file)],
        check=True,
    )


def make_datasette(database: Path = DATABASE, inspect_file: Path = INSPECT):
    """The Datasette app exactly as `make serve` runs it, for tests through datasette.client."""
    from datasette.app import Datasette

    dirs = optional_dirs()
    static = [("static", str(dirs["static"]))] if "static" in dirs else None
    return Datasette(
        immutables=[str(database)],
        inspect_data=json.loads(inspect_file.read_text(encoding="utf-8")) if inspect_file.exists() else None,
        metadata=json.loads(METADATA.read_text(encoding="utf-8")),
        settings=SETTINGS,
        template_dir=str(dirs["template_dir"]) if "template_dir" in dirs else None,
        plugins_dir=str(dirs["plugins_dir"]) if "plugins_dir" in dirs else None,
        static_mounts=static,
    )


def serve_command(host: str, port: int, database: Path = DATABASE, inspect_file: Path = INSPECT) -> list[str]:
    command = [
        sys.executable, "-m", "datasette", "serve",
        "--immutable", str(database),
        "--inspect-file", str(inspect_file),
        "--metadata", str(METADATA),
        "--host", host,
        "--port", str(port),
    ]
    for name, value in SETTINGS.items():
        command += ["--setting", name, str(value).lower() if isinstance(value, bool) else str(value)]
    dirs = optional_dirs()
    if "template_dir" in dirs:
        command += ["--template-dir", str(dirs["template_dir"])]
    if "plugins_dir" in dirs:
        command += ["--plugins-dir", str(dirs["plugins_dir"])]
    if "static" in dirs:
        command += ["--static", f"static:{dirs['static']}"]
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8001")),
                        help="port (default: $PORT or 8001)")
    args = parser.parse_args(argv)
    if not DATABASE.exists():
        print(f"{DATABASE.relative_to(ROOT)} is missing: run `make build` first", file=sys.stderr)
        return 1
    write_inspect_file()
    print(f"serving http://{args.host}:{args.port}/ (read-only; Ctrl-C stops)", flush=True)
    os.execv(sys.executable, serve_command(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
