"""benchmarks/suite_time.py reads pytest's output right: durations, outcomes, kinds, and the verdict."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "suite_time.py"

OUTPUT = """\
........................................................................ [ 98%]
....                                                                     [100%]
============================= slowest durations ==============================
16.35s call     tests/browser/test_decision_panels.py::test_a_tiny_optimisation[390-id]
2.50s setup    tests/browser/test_decision_panels.py::test_a_tiny_optimisation[390-id]
0.10s teardown tests/browser/test_decision_panels.py::test_a_tiny_optimisation[390-id]
6.86s call     tests/test_sweep.py::test_unreachable_scheduler_exits_2_with_one_line
0.75s call     tests/test_sweep.py::test_a_run_over_its_memory_limit_is_recorded
1.00s call     tests/test_numbers.py::test_format_then_parse_gives_the_value_back
(3 durations < 0.005s hidden.  Use -vv to show these durations.)
======================= 7326 passed, 3 skipped in 405.09s (0:06:45) =======================
"""


@pytest.fixture(scope="module")
def st():
    spec = importlib.util.spec_from_file_location("suite_time", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_durations_sum_each_tests_phases(st):
    tests = st.parse_durations(OUTPUT)
    assert tests["tests/browser/test_decision_panels.py::test_a_tiny_optimisation[390-id]"] == pytest.approx(18.95)
    assert len(tests) == 4
    assert sum(tests.values()) == pytest.approx(18.95 + 6.86 + 0.75 + 1.0)


def test_outcomes_come_from_the_last_summary_line(st):
    assert st.outcome_counts(OUTPUT) == {"passed": 7326, "failed": 0, "skipped": 3, "errors": 0}
    failing = OUTPUT.replace("7326 passed, 3 skipped", "2 failed, 7324 passed, 1 error")
    assert st.outcome_counts(failing) == {"passed": 7324, "failed": 2, "skipped": 0, "errors": 1}
    assert st.outcome_counts("no summary") == {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}


def test_summary_by_kind_and_file(st):
    tests = st.parse_durations(OUTPUT)
    rec = st.summarise(tests, {"tests/test_sweep.py"}, top=2)
    assert rec["by_kind"]["browser"] == {"seconds": pytest.approx(18.95), "tests": 1}
    assert rec["by_kind"]["processes"] == {"seconds": pytest.approx(7.61), "tests": 2}
    assert rec["by_kind"]["in-process"] == {"seconds": pytest.approx(1.0), "tests": 1}
    assert list(rec["by_file"])[0] == "tests/browser/test_decision_panels.py"
    assert [t for t, _ in rec["slowest"]] == [
        "tests/browser/test_decision_panels.py::test_a_tiny_optimisation[390-id]",
        "tests/test_sweep.py::test_unreachable_scheduler_exits_2_with_one_line",
    ]
    assert rec["slowest_share"] == pytest.approx((18.95 + 6.86) / 27.56)


def test_files_that_start_processes_are_found_by_their_source(st, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("import subprocess\nsubprocess.run(['true'])\n")
    (tmp_path / "tests" / "test_b.py").write_text("def test_b():\n    assert 1\n")
    assert st.files_starting_processes(tmp_path) == {"tests/test_a.py"}


@pytest.mark.parametrize(("total", "status", "verdict"), [(300.0, 0, "PASS"), (361.0, 0, "FAIL"), (300.0, 1, "FAIL")])
def test_the_verdict_needs_the_time_and_a_green_suite(st, total, status, verdict):
    rec = {
        "setup_seconds": 40.0,
        "suite_seconds": total - 40.0,
        "total_seconds": total,
        "exit_status": status,
        "outcomes": st.outcome_counts(OUTPUT),
        "cpu_busy_during_suite": 0.93,
        **st.summarise(st.parse_durations(OUTPUT), set(), top=3),
        "when": "2026-12-01 07:00",
        "code": "abc1234",
        "load_before": 0.5,
        "busy_before": 0.02,
    }
    text = st.report(rec)
    assert f"| {verdict} |" in text
    assert "| the 2 cores busy during the suite | 93% |" in text
    assert "7,326 passed" in text


def test_a_failed_set_up_is_one_line(st):
    assert (
        st.report({"error": "set-up failed (exit 1): no python"}) == "suite_time: set-up failed (exit 1): no python\n"
    )
