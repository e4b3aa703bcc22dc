"""The results page (experiments/report.py, ``ibusim report``) in English and in Bahasa Indonesia.

The page is written from the committed results folders (the calibration, the forecast, the sensitivity
sweeps); the English rendering is results/README.md, ``ibusim --lang id report`` the Indonesian one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import main

from ibusim.experiments import report

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--set", "n_mothers=3000", "--set", "end=2020-12"]
# the English headings of the page ("Posterior" and "Leave-one-out" are the same words in Indonesian)
ENGLISH_HEADINGS = (
    "# Results",
    "## Calibration of the IPM preset (issue 11)",
    "### Posterior-predictive coverage",
    "### Parameter recovery",
    "### Identifiability",
    "### Convergence",
    "### Wall time",
    "## Forecast 2025-2027 over the posterior (issue 11)",
    "### The `ipm` preset, seed 1 (`ibusim run`)",
)


@pytest.fixture
def at_root(monkeypatch):
    """The committed results folders, no language from the environment, no validation modules' draws."""
    monkeypatch.chdir(ROOT)
    for var in ("IBUSIM_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C")
    monkeypatch.setattr(report, "VALIDATION_MODULES", ())
    return monkeypatch


def test_english_sections_are_the_committed_page(at_root):
    """The sections read from the committed folders are, line by line, what results/README.md holds."""
    committed = (ROOT / "results" / "README.md").read_text(encoding="utf-8")
    lines = report.calibration_section(report.FOLDER)
    lines += report.forecast_section(report.FORECAST, Path("results"))
    for spec, folder in report.SENSITIVITY:
        lines += report.sensitivity_section(spec, folder, Path("results"))
    lines = [line for line in lines if line and not line.startswith("Regenerate with")]  # its date and code differ
    assert len(lines) > 100
    assert [line for line in lines if line not in committed] == []
    assert "`ibusim --lang id report` writes this page in Indonesian to `results/README.id.md`" in committed


def test_report_in_indonesian(at_root, tmp_path, capsys):
    """`ibusim --lang id report`: Indonesian headings and sentences, no English heading, Indonesian numbers."""
    status, out, err = main(["--lang", "id", "report", *QUICK, "--out", tmp_path / "README.id.md"], capsys)
    assert status == 0, err
    assert out.strip() == f"halaman hasil: {tmp_path / 'README.id.md'}"
    page = (tmp_path / "README.id.md").read_text(encoding="utf-8")
    headings = [line for line in page.splitlines() if line.startswith("#")]
    for heading in ENGLISH_HEADINGS:
        assert heading not in headings, heading
    for heading in ("# Hasil", "## Kalibrasi preset IPM (issue 11)", "### Cakupan posterior-prediktif"):
        assert heading in headings, heading
    assert "## Prakiraan 2025-2027 atas posterior (issue 11)" in headings
    assert "### Preset `ipm`, seed 1 (`ibusim run`)" in headings
    assert any(h.startswith("## Sensitivitas: ") for h in headings)
    assert "| besaran | median | 5% | 95% | prior | sumber prior | sd posterior/prior |" in page
    assert "| angka | peran | teramati | rentang | simulasi | di dalam |" in page
    assert "**Metode.** ABC-SMC" in page and "**Method.**" not in page
    assert "| Ibu terdaftar sejak 2020 | dicocokkan | 15.000 | 13.500-16.500 |" in page  # 15,000 in English
    assert "**Prakiraan, ipm, " in page and "| angka | 2024 | 2025 |" in page  # the forecast's own table
    for english in ("Every fitted figure", "Leave-one-out and recovery use", "Mean time of one run", "Convergence:"):
        assert english not in page, english
    assert "logU(0,0005; 0,02)" in page  # the priors with decimal commas
    assert "In Bahasa Indonesia:" not in page  # the note is for the English page
    sobol = "## Sensitivitas: Sensitivitas Sobol angka-angka target IPM terhadap lima laju yang diasumsikan"
    assert sobol in headings  # the spec's description_id
    assert "## Sensitivity: Sobol sensitivity of the IPM targets to five assumed rates" in (
        ROOT / "results" / "README.md"
    ).read_text(encoding="utf-8")


def test_secondary_patterns_section_in_indonesian(at_root):
    """The validation module's section gets the page's language (its runs replaced by a synthetic table here)."""
    import numpy as np
    import pandas as pd

    from ibusim.experiments import secondary

    tasks_seen = []

    def fake_run(tasks, runner, **execution):
        tasks_seen.append(len(tasks))
        return pd.DataFrame({p.name: np.full(len(tasks), 0.1) for p in secondary.PATTERNS})

    at_root.setattr(report, "VALIDATION_MODULES", ("ibusim.experiments.secondary",))
    at_root.setattr(secondary, "_run", fake_run)
    lines = report.validation_sections("id")
    assert tasks_seen == [20]
    headings = [line for line in lines if line.startswith("#")]
    assert headings == [
        "## Pola sekunder (tidak pernah dicocokkan)",
        "## Model nol dibandingkan dengan model berbasis agen",
    ]
    assert "| pola | sumber | teramati (rentang) | median simulasi [5%, 95%] | simulasi di dalam | hasil |" in lines
    assert any(line.startswith("Diukur pada 20 sampel posterior di `results/calibration-ipm`") for line in lines)
    english = report.validation_sections("en")
    assert "## Secondary patterns (never fitted)" in english and "## Secondary patterns (never fitted)" not in lines


def test_report_in_english_goes_to_the_given_file(at_root, tmp_path, capsys):
    status, out, err = main(["--lang", "en", "report", *QUICK, "--out", tmp_path / "page.md"], capsys)
    assert status == 0, err
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    committed = (ROOT / "results" / "README.md").read_text(encoding="utf-8")
    assert page.splitlines()[:7] == committed.splitlines()[:7]  # the top, with the note on the Indonesian page
    assert [h for h in ENGLISH_HEADINGS if h not in page] == []
    assert report.page_path("id") == Path("results/README.id.md") and report.page_path("en") == report.README
