"""Secondary patterns (experiments/secondary.py): the measures on synthetic arrays, the declarations, a small run."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibusim.experiments import secondary
from ibusim.experiments.core import build_model

SMALL = {"n_mothers": 2000, "end": "2022-12"}


# ---------------------------------------------------------------- the pure measures
def test_posted_share_counts_members_with_a_message():
    posts = np.array([0, 3, 0, 1, 7, 0])
    assert secondary.posted_share(posts, np.array([0, 1, 2, 3])) == 0.5
    assert secondary.posted_share(posts, np.array([4])) == 1.0
    assert math.isnan(secondary.posted_share(posts, np.array([], np.int64)))


def test_top_share_limit_cases():
    even = np.ones(200, np.int64)  # everyone wrote one message: the top 1% (2 members) wrote 1%
    assert secondary.top_share(even, np.arange(200)) == pytest.approx(0.01)
    one = np.zeros(200, np.int64)
    one[17] = 50  # one member wrote everything
    assert secondary.top_share(one, np.arange(200)) == 1.0
    assert math.isnan(secondary.top_share(np.zeros(10), np.arange(10)))  # nobody wrote
    # 150 members: the top group is ceil(1.5) = 2 members
    posts = np.arange(150)
    assert secondary.top_share(posts, np.arange(150)) == pytest.approx((149 + 148) / posts.sum())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=1, max_size=300), st.floats(0.001, 1.0))
def test_top_share_is_at_least_its_headcount_share(counts, top):
    posts = np.array(counts)
    members = np.arange(posts.size)
    s = secondary.top_share(posts, members, top)
    if posts.sum() == 0:
        assert math.isnan(s)
    else:  # the k who wrote most wrote at least k/n of the messages, and never more than all
        k = max(1, math.ceil(top * posts.size))
        assert k / posts.size - 1e-12 <= s <= 1.0 + 1e-12
        assert secondary.top_share(posts, members, 1.0) == pytest.approx(1.0)


def test_repeat_share_counts_programmes_completed():
    done = np.array([0, 0b1, 0b11, 0b1010, 0b100, 0b1111], np.uint8)
    # alumnae: ids 1..5; two or more programmes: ids 2, 3, 5
    assert secondary.repeat_share(done, np.arange(6)) == pytest.approx(3 / 5)
    assert math.isnan(secondary.repeat_share(done, np.array([0])))


def test_completion_and_year_measures():
    assert secondary.completion_share(85, 15) == 0.85
    assert math.isnan(secondary.completion_share(0, 0))
    new = np.array([1, 2, 3, 4, 5])
    years = np.array([2021, 2021, 2022, 2022, 2023])
    assert secondary.year_ratio(new, years, 2022, 2021) == pytest.approx(7 / 3)
    assert secondary.year_total(new, years, 2023) == 5
    assert math.isnan(secondary.year_ratio(new, years, 2022, 2020))


# ---------------------------------------------------------------- the declarations
def test_every_counted_pattern_has_a_source_a_quote_and_a_band():
    names = [p.name for p in secondary.PATTERNS]
    assert len(names) == len(set(names))
    for p in secondary.PATTERNS:
        if p.sourced:
            assert p.source and p.quote and p.band, p.name
            assert p.low is not None and p.low < p.high, p.name
        else:  # unsourced: shown, never counted
            assert p.low is None and not p.counted and "not found" in p.source
    assert not secondary.BY_NAME["volunteer_share"].counted


def test_table_gets_misses_and_unsourced():
    n = 10
    df = pd.DataFrame(
        {
            "posted_share_telegram": np.full(n, 0.10),  # inside 0-25%
            "top1_share_telegram": np.full(n, 0.30),  # outside 60-90%
            "volunteer_share": np.full(n, 0.01),
        }
    )
    rows = secondary.table(df)
    assert len(rows) == 2 + 3  # header, rule, one row per pattern present
    by = {r.split(" | ")[0].lstrip("| "): r for r in rows[2:]}
    assert by["Telegram group members who ever posted"].endswith("| 100% | gets |")
    assert by["Posts written by the top 1% of Telegram group members"].endswith("| 0% | misses |")
    assert "not a test (source not found)" in by["Volunteers among registered members (end of 2024)"]


def _synthetic_runs(n: int = 10) -> pd.DataFrame:
    """Runs with every pattern measured: some inside their band, some outside, one unbanded."""
    return pd.DataFrame(
        {
            "posted_share_telegram": np.full(n, 0.10),  # inside 0-25%
            "posted_share_registered": np.linspace(0.2, 0.3, n),  # half inside
            "top1_share_telegram": np.full(n, 0.30),  # outside 60-90%
            "free_completion": np.full(n, 0.855),
            "repeat_share": np.full(n, math.nan),  # not measured
            "registrations_2022_vs_2021": np.full(n, 0.8),
            "volunteer_share": np.full(n, 0.01),
        }
    )


ENGLISH_WORDS = ("pattern", "source not found", "gets", "misses", "not a test", "not measured", "no band", "ever post")


def test_table_in_indonesian():
    """Headers, labels, observed values and verdicts in Indonesian; numbers with decimal commas."""
    rows = secondary.table(_synthetic_runs(), lang="id")
    assert rows[0] == "| pola | sumber | teramati (rentang) | median simulasi [5%, 95%] | simulasi di dalam | hasil |"
    by = {r.split(" | ")[0].lstrip("| "): r for r in rows[2:]}
    assert by["Anggota grup Telegram yang pernah mengirim pesan"].endswith("| 100% | tercapai |")
    assert by["Pesan yang ditulis oleh 1% anggota grup Telegram teraktif"].endswith("| 0% | meleset |")
    assert "| 85,5% [85,5%, 85,5%] |" in by["Penyelesaian kelas awal gratis"]
    assert "(12,6%-91%)" in by["Penyelesaian kelas awal gratis"]  # the band: 12.6%-91.0% in English
    assert "| t/a [t/a, t/a] | - | belum terukur |" in by["Alumni yang menyelesaikan program berbayar kedua"]
    assert "| 0,8 [0,8, 0,8] |" in by["Pendaftaran 2022 dibanding 2021 (puncak masa pembatasan)"]
    unbanded = by["Relawan di antara anggota terdaftar (akhir 2024)"]
    assert "| sumber tidak ditemukan |" in unbanded and "(tanpa rentang)" in unbanded
    assert unbanded.endswith("| - | bukan uji (sumber tidak ditemukan) |")
    assert len(by) == len(secondary.PATTERNS)
    for word in ENGLISH_WORDS:
        assert not any(word in r for r in rows), word
    # the English table is as it always was
    english = secondary.table(_synthetic_runs())
    assert english[0] == "| pattern | source | observed (band) | simulated median [5%, 95%] | runs inside | verdict |"
    assert "| 85.5% [85.5%, 85.5%] | 100% | gets |" in english[5] and "(12.6%-91.0%)" in english[5]


def test_section_in_indonesian_and_english():
    """The results page's section: Indonesian headings and sentences; the English as results/README.md has it."""
    from pathlib import Path

    from ibusim.experiments import nullmodel

    fit = nullmodel.fit()
    df = _synthetic_runs()
    lines = secondary.section(df, fit, Path("results/calibration-ipm"), 20, True, lang="id")
    headings = [line for line in lines if line.startswith("#")]
    assert headings == [
        "## Pola sekunder (tidak pernah dicocokkan)",
        "## Model nol dibandingkan dengan model berbasis agen",
    ]
    text = "\n".join(lines)
    assert "Diukur pada 20 sampel posterior di `results/calibration-ipm` (masing-masing dengan seed sendiri)" in text
    assert "jarak akar rata-rata kuadrat yang diskalakan dengan rentang " in text
    for english in ("Measured on", "Secondary patterns", "The null model against", "root mean square"):
        assert english not in text, english
    preset = secondary.section(df, fit, Path("x"), 2, False, lang="id")
    assert "Diukur pada preset `ipm` dengan 2 seed (tidak ada posterior di `x`)" in "\n".join(preset)
    committed = (Path(__file__).resolve().parents[1] / "results" / "README.md").read_text(encoding="utf-8")
    english = secondary.section(df, fit, Path("results/calibration-ipm"), 20, True)
    sentences = [line for line in english if line and not line.startswith("|")]
    assert len(sentences) == 4 and all(line in committed.splitlines() for line in sentences), sentences
    assert secondary.table(df)[0] in committed


def test_half_the_runs_inside_decides():
    p = secondary.BY_NAME["free_completion"]
    assert secondary.summarise(pd.Series([0.5, 0.5, 0.95, 0.95]), p)["verdict"] == "gets"
    assert secondary.summarise(pd.Series([0.5, 0.95, 0.95]), p)["verdict"] == "misses"


# ---------------------------------------------------------------- on a model
def test_posts_counter_counts_the_group_messages():
    # without prompts, the Telegram and WhatsApp event counts are exactly the members' messages
    model = build_model("ipm", {**SMALL, "prompts_per_week": 0}, 3)
    counter = secondary.PostsCounter(model, channels=("telegram", "whatsapp"))
    for _ in range(60):
        model.step()
        counter.add(model)
    df = model.dataframe()
    assert counter.posts.sum() == df["new_u2u_telegram"].sum() + df["new_u2u_whatsapp"].sum() > 0
    assert (counter.posts >= 0).all()


def test_no_messages_no_posters():
    model = build_model(
        "ipm",
        {
            **SMALL,
            **dict.fromkeys(("lurker_messages", "contributor_messages", "leader_messages", "forum_rate"), 0.0),
            "team_messages": 0.0,
        },
        2,
    )
    posts = secondary.run_counting_posts(model)
    out = secondary.measure(model, posts)
    assert posts.sum() == 0
    assert out["posted_share_registered"] == 0.0 and math.isnan(out["top1_share_telegram"])


def test_model_posts_agree_with_the_counter():
    model = build_model("ipm", SMALL, 4)
    if not hasattr(model, "posts"):
        pytest.skip("the model has no posts state yet (model/communication.py adds model.posts)")
    counter = secondary.PostsCounter(model, channels=("telegram", "whatsapp"))
    while model.running:
        model.step()
        counter.add(model)
    # the model counts every message sent in the group chats (and the forum): at least the chats' messages
    assert (np.asarray(model.posts) >= counter.posts).all() and counter.posts.sum() > 0
    out = secondary.measure(model)
    assert 0.0 <= out["posted_share_telegram"] <= 1.0


def _fake_runner(params, seed):
    return {"x": float(seed) + params.get("shift", 0.0)}


def test_evaluate_one_row_per_run_in_set_and_seed_order():
    df = secondary.evaluate([{}, {"shift": 0.5}], seeds=[2, 1], runner=_fake_runner)
    assert list(df.itertuples(index=False, name=None)) == [(0, 1, 1.0), (0, 2, 2.0), (1, 1, 1.5), (1, 2, 2.5)]


def test_evaluate_runs_the_model_reproducibly():
    df = secondary.evaluate([SMALL, {**SMALL, "free_class": False}], seeds=[2])
    for name in [p.name for p in secondary.PATTERNS] + secondary.summary_keys():
        assert name in df, name
    for col in ("posted_share_telegram", "posted_share_registered", "top1_share_telegram"):
        assert df[col].between(0, 1).all(), col
    # repeat enrolment is a share of paid alumnae: NaN (not 0) when a small run without the free class has none
    assert df.loc[df.set == 0, "repeat_share"].between(0, 1).all()
    assert (df["repeat_share"].between(0, 1) | df["repeat_share"].isna()).all()
    assert df.loc[df.set == 0, "free_completion"].between(0, 1).all()
    assert df.loc[df.set == 1, "free_completion"].isna().all()  # no free class, no free-class completion
    again = secondary.evaluate([SMALL], seeds=[2])
    pd.testing.assert_frame_equal(df[df.set == 0].reset_index(drop=True), again)


def test_results_section_holds_the_patterns_and_the_null_model(tmp_path):
    """The report's section runs the preset when the folder has no posterior, and carries both tables."""
    lines = secondary.results_section(tmp_path, draws=2, executor="sequential")
    text = "\n".join(lines)
    assert "## Secondary patterns (never fitted)" in text and "## The null model" in text
    assert "the `ipm` preset at 2 seeds" in text
    assert sum(line.startswith("| ") for line in lines) >= len(secondary.PATTERNS) + 4
