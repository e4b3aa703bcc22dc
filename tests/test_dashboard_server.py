"""Starting the dashboard (dashboard/server.py, ``ibusim dashboard``): the command, bad ports, a busy port.

No server is started here (tests/browser does that): ``subprocess.call`` is replaced
so that a check that wrongly passes fails the test instead of serving.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from cli_helpers import IBUSIM, assert_one_line_error, main

from ibusim.dashboard import server


@pytest.fixture
def never_serve(monkeypatch):
    calls = []

    def call(argv, **kwargs):
        calls.append(argv)
        raise AssertionError(f"the dashboard would have started: {argv}")

    monkeypatch.setattr(server.subprocess, "call", call)
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
    assert "port must be an integer in 1-65535" in line and repr(port) in line
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

    def call(argv, env=None):
        seen["argv"], seen["env"] = argv, env
        return 3

    monkeypatch.setattr(server, "check_port", lambda host, port: seen.setdefault("checked", (host, port)))
    monkeypatch.setattr(server.subprocess, "call", call)
    monkeypatch.delenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", raising=False)
    assert server.serve("127.0.0.1", 8123) == 3
    assert seen["checked"] == ("127.0.0.1", 8123)
    assert seen["argv"] == server.command("127.0.0.1", 8123)
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert "http://127.0.0.1:8123" in capsys.readouterr().out


def test_ctrl_c_stops_serving_with_status_0(monkeypatch):
    def call(argv, env=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    monkeypatch.setattr(server.subprocess, "call", call)
    assert server.serve() == 0


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
    monkeypatch.setattr(server.subprocess, "call", lambda *a, **k: 0)
    monkeypatch.setattr(server, "check_port", lambda host, port: None)
    assert server.serve("127.0.0.1", 8123) == 0
    err = capsys.readouterr().err
    assert "browser assets are not in" in err and str(tmp_path / "empty") in err
    (tmp_path / "full" / "requirejs@2.3.6").mkdir(parents=True)
    (tmp_path / "full" / "requirejs@2.3.6" / "package.json").write_text("{}")
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", str(tmp_path / "full"))
    assert server.assets_missing() is None
