"""Start the dashboard: ``ibusim dashboard [--host 127.0.0.1] [--port 8765]``.

Runs ``solara run ibusim.dashboard.app`` in production mode in this Python, as a child
process leading its own process group. Solara's browser assets come from its proxy
cache (``<venv>/share/solara/cdn``), which ``scripts/setup.sh`` fills from the npm
registry, so the page works offline.

Stopping: SIGTERM, SIGINT (Ctrl+C) or SIGHUP to ``ibusim dashboard`` is forwarded to
Solara's group; if Solara has not exited after :data:`STOP_GRACE_S` seconds (an open
websocket can hold it), the group is killed, and whatever is left of the group is
killed in any case, so the port is free when the command returns. On Linux the child
also gets SIGTERM if this process dies without running its handlers (SIGKILL).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
STOP_GRACE_S = 5.0  # after forwarding a stop signal, how long Solara may take before its group is killed


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
    """The Solara command line serving the dashboard on ``host:port`` in production mode."""
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
    """The child's environment: no telemetry, no plain-http cookie warning."""
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "false")  # "This website runs on Solara" covered the controls
    # Solara warns on every page over plain http (its session cookie asks for https); on 127.0.0.1 that is noise
    env.setdefault("PYTHONWARNINGS", "ignore:Cookies with samesite=none require https:UserWarning")
    return env


def assets_missing() -> Path | None:
    """The asset cache directory when Solara's browser assets are not in it (the page would stay blank)."""
    cache = Path(os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR") or Path(sys.prefix) / "share" / "solara" / "cdn")
    return None if (cache / "requirejs@2.3.6" / "package.json").is_file() else cache


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send this process SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the signal handlers below still stop the child
        pass


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):  # the group is gone already
        pass


def start(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``argv`` as the leader of a new process group (and session)."""
    return subprocess.Popen(
        argv,
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def supervise(argv: list[str], env: dict[str, str] | None = None, grace_s: float = STOP_GRACE_S, on_start=None) -> int:
    """Run ``argv`` in its own process group until it exits or this process is asked to stop.

    A stop signal (SIGTERM, SIGINT, SIGHUP) is forwarded to the child's group; after
    ``grace_s`` seconds the group is killed. Whatever is left of the group when the child
    has exited is killed too. Returns the child's exit status, or 0 when it was stopped
    by a signal. ``on_start(proc)`` is called once the child runs (tests use it).
    """
    received: list[int] = []
    proc: subprocess.Popen | None = None

    def on_signal(signum, frame):
        received.append(signum)
        if proc is not None:
            _signal_group(proc.pid, signum)

    handlers = {}
    if threading.current_thread() is threading.main_thread():  # signal handlers only exist there
        handlers = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        proc = start(argv, env)
        if received:  # a stop signal came while the child was being started
            _signal_group(proc.pid, received[0])
        if on_start is not None:
            on_start(proc)
        deadline = None
        while True:
            try:
                status = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if received and deadline is None:
                deadline = time.monotonic() + grace_s
            if deadline is not None and time.monotonic() > deadline:
                _signal_group(proc.pid, signal.SIGKILL)
        return 0 if received else status
    finally:
        if proc is not None:
            if proc.poll() is None:  # stopped by an exception here: do not leave the child behind
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
            _signal_group(proc.pid, signal.SIGKILL)  # grandchildren left in the group
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Serve until stopped (Ctrl+C, SIGTERM); return the server's exit status (0 when stopped)."""
    check_port(host, port)
    missing = assets_missing()
    if missing is not None:
        print(
            f"ibusim dashboard: warning: Solara's browser assets are not in {missing}; without a CDN the page "
            "stays blank: run 'bash scripts/setup.sh' (or python scripts/solara_assets.py)",
            file=sys.stderr,
        )
    print(f"ibusim dashboard: http://{host}:{port}  (Ctrl+C stops it)", flush=True)
    return supervise(command(host, port), env=environment())
