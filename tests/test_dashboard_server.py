"""Starting and stopping the dashboard (dashboard/server.py, ``ibusim dashboard``).

The checks before serving (bad ports, a busy port, the command) replace
``server.supervise`` so that a check that wrongly passes fails the test instead of
serving. Stopping is tested for real: :func:`server.supervise` on small Python child
processes (a child that ignores SIGTERM, a grandchild), and ``ibusim dashboard`` itself,
which must leave no process and a free port after SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from cli_helpers import IBUSIM, assert_one_line_error, main

from ibusim.dashboard import server

START_TIMEOUT_S = 120  # ibusim dashboard answers in ~4 s idle, far slower with both cores busy


@pytest.fixture
def never_serve(monkeypatch):
    calls = []

    def supervise(argv, **kwargs):
        calls.append(argv)
        raise AssertionError(f"the dashboard would have started: {argv}")

    monkeypatch.setattr(server, "supervise", supervise)
    return calls


@pytest.fixture
def busy_port():
    """A port of 127.0.0.1 held by a listening socket."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield s.getsockname()[1]


# ---------------------------------------------------------------- bad ports
@pytest.mark.parametrize("port", ["0", "-1", "abc", "", "80.5"])
def test_a_port_that_is_not_a_positive_integer_exits_2(capsys, never_serve, port):
    status, out, err = main(["dashboard", "--port", port], capsys)
    line = assert_one_line_error(status, err)
    assert "port must be an integer in 1-65535" in line and port in line
    assert out == "" and never_serve == []


@pytest.mark.parametrize("port", ["65536", "70000"])
def test_a_port_above_65535_exits_2(capsys, never_serve, port):
    status, out, err = main(["dashboard", "--port", port], capsys)
    line = assert_one_line_error(status, err)
    assert "port must be an integer in 1-65535" in line and port in line
    assert out == "" and never_serve == []


def test_a_busy_port_exits_2_naming_it(capsys, never_serve, busy_port):
    status, out, err = main(["dashboard", "--port", busy_port], capsys)
    line = assert_one_line_error(status, err)
    assert f"127.0.0.1:{busy_port}" in line
    assert "Address already in use" in line and "--port" in line
    assert out == "" and never_serve == []


def test_check_port_raises_a_one_line_dashboard_error(busy_port):
    with pytest.raises(server.DashboardError) as e:
        server.check_port("127.0.0.1", busy_port)
    assert "\n" not in str(e.value) and str(busy_port) in str(e.value)
    assert isinstance(e.value, OSError)  # so `ibusim` reports it as a one-line error


def test_a_free_port_passes_the_check():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server.check_port("127.0.0.1", port)  # no exception


def test_the_console_script_exits_2_on_a_bad_port(tmp_path):
    assert IBUSIM.is_file(), f"console script not installed next to {sys.executable}"
    proc = subprocess.run(
        [str(IBUSIM), "dashboard", "--port", "abc"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert_one_line_error(proc.returncode, proc.stderr)
    assert "port must be an integer" in proc.stderr and proc.stdout == ""


# ---------------------------------------------------------------- the command
def test_command_runs_solara_in_production_on_localhost():
    assert server.DEFAULT_HOST == "127.0.0.1" and server.DEFAULT_PORT == 8765
    assert server.command() == [
        sys.executable,
        "-m",
        "solara",
        "run",
        "ibusim.dashboard.app",
        "--host",
        "127.0.0.1",
        "--port",
        "8765",
        "--production",
        "--no-open",
    ]
    cmd = server.command("0.0.0.0", 9000)
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "9000"


def test_serve_runs_the_command_and_returns_its_status(monkeypatch, capsys):
    seen = {}

    def supervise(argv, env=None):
        seen["argv"], seen["env"] = argv, env
        return 3

    monkeypatch.setattr(server, "check_port", lambda host, port: seen.setdefault("checked", (host, port)))
    monkeypatch.setattr(server, "supervise", supervise)
    monkeypatch.delenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", raising=False)
    assert server.serve("127.0.0.1", 8123) == 3
    assert seen["checked"] == ("127.0.0.1", 8123)
    assert seen["argv"] == server.command("127.0.0.1", 8123)
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert "http://127.0.0.1:8123" in capsys.readouterr().out


def test_ibusim_dashboard_defaults_to_localhost_8765(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(server, "serve", lambda host, port: seen.append((host, port)) or 0)
    assert main(["dashboard"], capsys)[0] == 0
    assert main(["dashboard", "--host", "0.0.0.0", "--port", "9001"], capsys)[0] == 0
    assert seen == [("127.0.0.1", 8765), ("0.0.0.0", 9001)]


def test_missing_browser_assets_are_named_before_serving(tmp_path, monkeypatch, capsys):
    """Without Solara's asset cache the page would stay blank offline: serve() says so, naming the folder."""
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "empty"))
    assert server.assets_missing() == tmp_path / "empty"
    monkeypatch.setattr(server, "supervise", lambda *a, **k: 0)
    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    assert server.serve("127.0.0.1", 8123) == 0
    err = capsys.readouterr().err
    assert "browser assets are not in" in err and str(tmp_path / "empty") in err
    (tmp_path / "full" / "requirejs@2.3.6").mkdir(parents=True)
    (tmp_path / "full" / "requirejs@2.3.6" / "package.json").write_text("{}")
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "full"))
    assert server.assets_missing() is None


# ---------------------------------------------------------------- stopping
def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.05)


# a child that writes its own pid and its child's pid, then waits; with "stubborn" it ignores SIGTERM/SIGINT
FAMILY = """
import os, signal, subprocess, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
with open(sys.argv[1], "w") as f:
    f.write(f"{os.getpid()} {grandchild.pid}")
time.sleep(600)
"""


@pytest.mark.parametrize(
    "sig,kind", [(signal.SIGTERM, "polite"), (signal.SIGINT, "polite"), (signal.SIGTERM, "stubborn")]
)
def test_a_stop_signal_stops_the_child_and_its_whole_group(tmp_path, sig, kind):
    """The signal reaches the child's whole group, and supervise returns 0 (stopped on request).

    A child that ignores it is killed after the grace period, with its grandchild.
    """
    pids_file = tmp_path / "pids"
    started = []
    result = {}

    def run():
        argv = [sys.executable, "-c", FAMILY, str(pids_file), kind]
        result["status"] = server.supervise(argv, grace_s=1.0, on_start=started.append)

    # supervise installs its handlers only in the main thread: run it there, signal it from a thread
    def signal_when_ready():
        wait_until(lambda: pids_file.exists() and pids_file.read_text().count(" ") == 1, 60, "the child's pids")
        os.kill(os.getpid(), sig)

    sender = threading.Thread(target=signal_when_ready, daemon=True)
    sender.start()
    try:
        run()
    finally:
        for proc in started:  # should be gone already; never leave them behind
            server._signal_group(proc.pid, signal.SIGKILL)
    sender.join(60)
    child, grandchild = map(int, pids_file.read_text().split())
    assert result["status"] == 0
    assert started and started[0].pid == child and started[0].returncode is not None
    wait_until(lambda: not alive(grandchild), 10, "the grandchild to be gone")
    assert not alive(child)


def test_supervise_returns_the_childs_status_and_restores_the_handlers():
    before = {sig: signal.getsignal(sig) for sig in server.STOP_SIGNALS}
    assert server.supervise([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert {sig: signal.getsignal(sig) for sig in server.STOP_SIGNALS} == before


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry))
    return out


@pytest.fixture
def dashboard_process(tmp_path):
    """``ibusim dashboard`` on a free port in its own process group: (process, url, log path).

    The group is killed at the end whatever happened (a failing test leaves nothing running).
    """
    port = free_port()
    log_path = tmp_path / "dashboard.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(IBUSIM), "dashboard", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
    try:
        yield proc, f"http://127.0.0.1:{port}/", log_path
    finally:
        server._signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def test_sigterm_to_ibusim_dashboard_stops_solara_and_frees_the_port(dashboard_process):
    proc, url, log_path = dashboard_process
    deadline = time.monotonic() + START_TIMEOUT_S
    while not answers(url):
        assert proc.poll() is None, f"ibusim dashboard exited ({proc.returncode}):\n{log_path.read_text()}"
        assert time.monotonic() < deadline, f"{url} did not answer within {START_TIMEOUT_S} s"
        time.sleep(0.2)
    solara = children_of(proc.pid)
    assert len(solara) == 1, f"expected one Solara child, found {solara}"
    # the group Solara leads, grandchildren included
    group = [solara[0], *children_of(solara[0])]

    proc.send_signal(signal.SIGTERM)  # to ibusim only, as a service manager or `kill PID` does
    assert proc.wait(timeout=server.STOP_GRACE_S + 60) == 0
    for pid in group:
        wait_until(lambda: not alive(pid), 10, f"process {pid} of Solara's group to be gone")
    port = int(url.rsplit(":", 1)[1].strip("/"))
    server.check_port("127.0.0.1", port)  # the port can be bound again: nothing serves on it
    assert not answers(url)
