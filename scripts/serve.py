"""Serve the built database read-only through Datasette (immutable, inspected, time-limited)."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = ROOT / "build" / "mandate_notes.db"
INSPECT = ROOT / "build" / "inspect.json"
SERVER = ROOT / "server"
METADATA = SERVER / "generated" / "metadata.json"

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


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@contextmanager
def running_server(database: Path, port: int, host: str = "127.0.0.1", timeout: float = 60.0):
    """Serve database exactly as `make serve` does, in a child process; yield (process, base URL) once it
    answers, and stop it on leaving. Used by the tests and the load test."""
    if not port_is_free(host, port):
        raise RuntimeError(f"port {port} on {host} is in use")
    inspect_file = database.with_name(database.stem + ".inspect.json")
    write_inspect_file(database, inspect_file)
    # A file, not a pipe: a pipe nobody reads would fill with the access log and stall the server.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(serve_command(host, port, database, inspect_file),
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited with {process.returncode}: {log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer on {base} within {timeout:.0f} s")
            time.sleep(0.1)
        yield process, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


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
