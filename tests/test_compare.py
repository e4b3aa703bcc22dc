"""Scenario comparison (experiments/compare.py): variants, common seeds, table, PNG, CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from ibusim.cli import main
from ibusim.experiments.compare import compare, parse_variant
from ibusim.i18n import error_text
from ibusim.model.parameters import ParameterError

FAST = "n_mothers=4000,end=2021-12"


def test_parse_variant():
    v = parse_variant("without=ipm:free_class=false,n_mothers=4000")
    assert (v.label, v.scenario, v.changes) == ("without", "ipm", {"free_class": False, "n_mothers": 4000})
    assert parse_variant("base=ibusibuk").changes == {}
    for bad in ("noequals", "=ipm", "x=nope", "x=ipm:free_class", "x=ipm:bogus=1", "x=ipm:n_mothers=5"):
        with pytest.raises(ParameterError):
            parse_variant(bad)


def test_bad_variants_and_replications_are_refused_in_indonesian(tmp_path):
    with pytest.raises(ParameterError) as e:
        parse_variant("noequals")
    assert str(e.value) == "variant 'noequals' must look like LABEL=SCENARIO[:name=value,...]"
    assert error_text(e.value, "id") == "varian 'noequals' harus berbentuk LABEL=SCENARIO[:name=value,...]"
    with pytest.raises(ParameterError) as e:
        parse_variant("x=ipm:free_class")
    assert error_text(e.value, "id") == "varian 'x': 'free_class' harus berbentuk name=value"
    variants = [parse_variant(f"a=ipm:{FAST}")]
    with pytest.raises(ParameterError) as e:
        compare(variants, replications=0, out=tmp_path / "o")
    assert str(e.value) == "replications = 0 must be >= 1"
    assert error_text(e.value, "id") == "replikasi = 0 harus >= 1"
    with pytest.raises(ParameterError) as e:
        compare(variants * 2, out=tmp_path / "o")
    assert error_text(e.value, "id") == "setiap varian perlu label yang berbeda dan tidak kosong"
    assert not (tmp_path / "o").exists()


def test_compare_uses_the_same_seeds_and_finds_the_free_class_effect(tmp_path):
    variants = [parse_variant(f"with=ipm:{FAST}"), parse_variant(f"without=ipm:{FAST},free_class=false")]
    table, out = compare(variants, replications=3, seed=5, out=tmp_path / "c", executor="sequential")
    runs = pd.read_parquet(out / "runs.parquet")
    seeds = runs.groupby("variant")["seed"].apply(list)
    assert seeds["with"] == seeds["without"]  # common random numbers
    assert len(set(seeds["with"])) == 3
    t = table.set_index(["variant", "outcome"])
    assert t.loc[("without", "registered"), "mean"] < t.loc[("with", "registered"), "mean"]
    assert t.loc[("without", "registered"), "diff_p95"] < 0  # paired: lower in every replication band
    assert t.loc[("with", "registered"), "diff_mean"] == 0
    q = t[["p5", "mean", "p95"]].dropna()  # an outcome undefined in every run (NaN) has no band
    assert len(q) > 8 and (q["p5"] <= q["mean"] + 1e-9).all() and (q["mean"] <= q["p95"] + 1e-9).all()
    assert (out / "compare.png").stat().st_size > 10_000
    series = pd.read_parquet(out / "series.parquet")
    assert set(series["variant"]) == {"with", "without"}
    assert (series.groupby(["variant", "replication"])["cum_registered"].diff().dropna() >= 0).all()


def test_compare_never_overwrites(tmp_path):
    variants = [parse_variant(f"a=ipm:{FAST}")]
    compare(variants, replications=1, out=tmp_path / "c", executor="sequential")
    with pytest.raises(OSError, match="already exists"):
        compare(variants, replications=1, out=tmp_path / "c", executor="sequential")


def test_cli_compare_and_bad_input(tmp_path, capsys):
    assert (
        main(
            [
                "compare",
                f"with=ipm:{FAST}",
                f"without=ipm:{FAST},free_class=false",
                "--replications",
                "2",
                "--out",
                str(tmp_path / "c"),
                "--executor",
                "sequential",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "registered" in out and "with" in out and "without" in out
    assert main(["compare", "x=nope", "--out", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err
    assert main(["compare", f"a=ipm:{FAST}", f"a=ipm:{FAST}", "--out", str(tmp_path / "e")]) == 2
    assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()
