"""Sensitivity analysis (experiments/sensitivity.py): indices, convergence check, outputs, CLI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ibusim.cli import main
from ibusim.experiments import sensitivity
from ibusim.experiments.spec import SpecError, parse_spec
from ibusim.i18n import error_text

FAST = {"n_mothers": 3000, "end": "2021-03"}


def spec_of(design: str, samples: int, outcomes=("registered", "n_mothers"), text: str = "x") -> object:
    return parse_spec(
        {
            "experiment": {
                "name": f"t-{design}",
                "design": design,
                "samples": samples,
                "seed": 3,
                "outcomes": list(outcomes),
            },
            "fixed": FAST,
            "factors": {"interest_rate": {"range": [0.0, 0.02]}, "follow_rate": {"range": [0.0, 0.05]}},
        },
        text=text,
    )


def fake_runner(params: dict, seed: int) -> dict[str, float]:
    """A known function: registered = 1000 * interest_rate / 0.02 (additive, follow_rate inert)."""
    return {"registered": 1000.0 * params["interest_rate"] / 0.02 + 0.0 * params["follow_rate"], "n_mothers": 3000.0}


@pytest.mark.parametrize("design,samples", [("sobol", 64), ("morris", 20)])
def test_known_function_gives_known_indices(tmp_path, design, samples):
    """Only interest_rate matters: Sobol S1 = ST = 1 for it and 0 for follow_rate; Morris mu* only for it."""
    spec = spec_of(design, samples, outcomes=("registered",))
    from ibusim.experiments.sweep import run_sweep

    run_sweep(spec, tmp_path / "s", executor="sequential", progress=False, runner=fake_runner)
    t = sensitivity.analyse(spec, tmp_path / "s").set_index("factor")
    if design == "sobol":
        assert t.loc["interest_rate", "S1"] == pytest.approx(1.0, abs=0.05)
        assert t.loc["interest_rate", "ST"] == pytest.approx(1.0, abs=0.05)
        assert abs(t.loc["follow_rate", "S1"]) < 0.02 and abs(t.loc["follow_rate", "ST"]) < 0.02
        assert (t["change_half_to_full"] < 0.1).all()  # an exact function converges at once
    else:
        assert t.loc["interest_rate", "mu_star"] == pytest.approx(1000.0, rel=0.01)  # slope over the unit range
        assert t.loc["follow_rate", "mu_star"] == pytest.approx(0.0, abs=1e-9)


def test_constant_outcome_is_reported_not_crashing(tmp_path):
    spec = spec_of("morris", 6, outcomes=("n_mothers",))
    from ibusim.experiments.sweep import run_sweep

    run_sweep(spec, tmp_path / "s", executor="sequential", progress=False, runner=fake_runner)
    t = sensitivity.analyse(spec, tmp_path / "s")
    assert (t["mu_star"] == 0).all()


def test_run_writes_csv_and_png_with_the_real_model(tmp_path):
    spec = spec_of("sobol", 8, outcomes=("registered",))
    table, csv, png = sensitivity.run(spec, tmp_path / "s", executor="sequential", progress=False)
    assert csv.is_file() and png.is_file() and png.stat().st_size > 5000
    back = pd.read_csv(csv)
    assert list(back["factor"]) == ["interest_rate", "follow_rate"]
    assert {"S1", "S1_conf", "ST", "ST_conf", "S1_half", "ST_half", "change_half_to_full"} <= set(back.columns)
    assert np.isfinite(back["S1"]).all()
    # more interest, more registrations: interest_rate dominates
    t = table.set_index("factor")
    assert t.loc["interest_rate", "ST"] > t.loc["follow_rate", "ST"]


def test_wrong_design_is_refused(tmp_path):
    spec = parse_spec(
        {
            "experiment": {"name": "ff", "design": "full_factorial", "outcomes": ["registered"]},
            "fixed": FAST,
            "factors": {"free_class": {"values": [True, False]}},
        }
    )
    with pytest.raises(SpecError, match="sobol"):
        sensitivity.run(spec, tmp_path / "s", executor="sequential", progress=False)


def test_a_spec_the_analysis_cannot_use_is_refused_in_indonesian(tmp_path):
    spec = parse_spec(
        {
            "experiment": {"name": "ff", "design": "full_factorial", "outcomes": ["registered"]},
            "fixed": FAST,
            "factors": {"free_class": {"values": [True, False]}},
        }
    )
    with pytest.raises(SpecError) as e:
        sensitivity.run(spec, tmp_path / "s", executor="sequential", progress=False)
    assert str(e.value) == "sensitivity needs design 'sobol' or 'morris', spec 'ff' has 'full_factorial'"
    assert error_text(e.value, "id") == (
        "analisis sensitivitas butuh design 'sobol' atau 'morris', spesifikasi 'ff' memakai 'full_factorial'"
    )

    calls = []

    def failing_runner(params, seed):  # the pilot run works, every run of the sweep fails
        calls.append(seed)
        if len(calls) > 1:
            raise RuntimeError("no")
        return {"registered": 1.0, "n_mothers": 1.0}

    spec = spec_of("morris", 4, outcomes=("registered",))
    with pytest.raises(SpecError) as e:
        sensitivity.run(spec, tmp_path / "m", executor="sequential", progress=False, runner=failing_runner)
    n = str(e.value).split(" ")[0]
    assert int(n) > 0 and str(e.value).endswith("rerun to retry before analysing")
    assert error_text(e.value, "id") == (
        f"{n} simulasi gagal (lihat {tmp_path / 'm'}/failures); jalankan lagi untuk mengulanginya sebelum dianalisis"
    )


def test_missing_outcome_values_are_named(tmp_path):
    def nan_runner(params, seed):
        return {"registered": math.nan, "n_mothers": 1.0}

    spec = spec_of("morris", 4, outcomes=("registered",))
    from ibusim.experiments.sweep import run_sweep

    run_sweep(spec, tmp_path / "s", executor="sequential", progress=False, runner=nan_runner)
    with pytest.raises(SpecError, match="registered"):
        sensitivity.analyse(spec, tmp_path / "s")


def test_cli_prints_indices_and_convergence(tmp_path, capsys):
    spec_file = tmp_path / "sens.toml"
    spec_file.write_text(
        '[experiment]\nname = "cli-sens"\ndesign = "morris"\nsamples = 4\nseed = 2\n'
        'outcomes = ["registered"]\n[fixed]\nn_mothers = 3000\nend = "2020-12"\n'
        "[factors.interest_rate]\nrange = [0.001, 0.01]\n[factors.follow_rate]\nrange = [0.01, 0.05]\n"
    )
    assert (
        main(["sensitivity", str(spec_file), "--out", str(tmp_path / "o"), "--executor", "sequential", "--quiet"]) == 0
    )
    out = capsys.readouterr().out
    assert "mu_star" in out and "convergence:" in out and "interest_rate" in out
    assert (tmp_path / "o" / "sensitivity.png").is_file()


def test_results_page_section_shows_the_indices_and_convergence(tmp_path):
    """experiments.report turns a sensitivity folder into a results/README.md section.

    One row per outcome, one column per factor, the per-outcome convergence and the plot.
    """
    from ibusim.experiments.report import sensitivity_section

    spec_file = tmp_path / "sens.toml"
    spec_file.write_text(
        '[experiment]\nname = "page-sens"\ndesign = "morris"\nsamples = 4\nseed = 2\n'
        'outcomes = ["registered", "telegram"]\n[fixed]\nn_mothers = 3000\nend = "2020-12"\n'
        "[factors.interest_rate]\nrange = [0.001, 0.01]\n[factors.follow_rate]\nrange = [0.01, 0.05]\n"
    )
    folder = tmp_path / "results" / "sens"
    assert sensitivity_section(str(spec_file), folder, tmp_path / "results") == []  # not run yet
    from ibusim.experiments.spec import load_spec

    sensitivity.run(load_spec(spec_file), folder, executor="sequential", progress=False)
    lines = sensitivity_section(str(spec_file), folder, tmp_path / "results")
    text = "\n".join(lines)
    assert "| outcome | `interest_rate` | `follow_rate` | half vs all samples |" in text
    assert sum(line.startswith(("| registered |", "| telegram |")) for line in lines) == 2
    assert "Convergence:" in text and "![page-sens](sens/sensitivity.png)" in text


def test_cli_table_in_indonesian(tmp_path, capsys, monkeypatch):
    """`ibusim --lang id sensitivity`: translated headers over every column, decimal commas, no English header."""
    monkeypatch.delenv("IBUSIM_LANG", raising=False)
    spec_file = tmp_path / "sens.toml"
    spec_file.write_text(
        '[experiment]\nname = "cli-sens-id"\ndesign = "morris"\nsamples = 4\nseed = 2\n'
        'outcomes = ["registered"]\n[fixed]\nn_mothers = 3000\nend = "2020-12"\n'
        "[factors.interest_rate]\nrange = [0.001, 0.01]\n[factors.follow_rate]\nrange = [0.01, 0.05]\n"
    )
    argv = ["--lang", "id", "sensitivity", str(spec_file), "--out", str(tmp_path / "o"), "--executor", "sequential"]
    assert main([*argv, "--quiet"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("keluaran"))
    assert header.split()[:3] == ["keluaran", "faktor", "mu_star"]
    assert "selang mu_star" in header and "perubahan separuh ke semua sampel" in header
    for word in ("outcome", "factor", "mu_star_conf", "change_half_to_full", "convergence:", "table:"):
        assert word not in out, word
    rows = [line for line in lines if line.startswith("registered")]
    assert len(rows) == 2 and all("," in r and "." not in r for r in rows)  # 0,123: decimal commas
    assert "konvergensi:" in out
    table = pd.read_csv(tmp_path / "o" / "sensitivity.csv")
    assert sensitivity.table_text(table, "morris", "en").splitlines()[0].split() == [
        "outcome",
        "factor",
        "mu_star",
        "mu_star_conf",
        "sigma",
        "change_half_to_full",
    ]
