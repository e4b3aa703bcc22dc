"""Start the dashboard: ``ibusim dashboard [--host 127.0.0.1] [--port 8765]``.

Runs ``solara run dashboard.app`` in production mode in this Python. Solara's
browser assets come from its proxy cache (``<venv>/share/solara/cdn``), which
``scripts/setup.sh`` fills from the npm registry, so the page works offline.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class DashboardError(OSError):
    """The dashboard cannot start (one line)."""


def check_port(host: str, port: int) -> None:
    """Raise DashboardError unless ``host:port`` can be bound."""
    if not 1 <= port <= 65535:
        raise DashboardError(f"port must be an integer in 1-65535, got {port}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise DashboardError(
                f"cannot serve the dashboard on {host}:{port}: {e.strerror or e} (choose another with --port)"
            ) from None


def command(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> list[str]:
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "ibusim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    # Solara warns on every page over plain http (its session cookie asks for https); on 127.0.0.1 that is noise
    env.setdefault("PYTHONWARNINGS", "ignore:Cookies with samesite=none require https:UserWarning")
    return env


def assets_missing() -> Path | None:
    """The asset cache directory when Solara's browser assets are not in it (the page would stay blank)."""
    cache = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or Path(sys.prefix) / "share" / "solara" / "cdn")
    return None if (cache / "requirejs@2.3.6" / "package.json").is_file() else cache


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve until interrupted; return the server's exit status."""
    check_port(host, port)
    missing = assets_missing()
    if missing is not None:
        print(
            f"ibusim dashboard: warning: Solara's browser assets are not in {missing}; without a CDN the page "
            "stays blank: run 'bash scripts/setup.sh' (or python scripts/solara_assets.py)",
            file=sys.stderr,
        )
    print(f"ibusim dashboard: http://{host}:{port}  (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(command(host, port), env=environment())
    except KeyboardInterrupt:
        return 0
