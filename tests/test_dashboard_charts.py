"""Charts (dashboard/charts.py): one description, drawn as a Vega-Lite spec for the browser and as a PNG."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ibusim.dashboard import charts
from ibusim.dashboard.charts import ONE_ROW, Chart

DATES = pd.date_range("2020-04-01", periods=3, freq="7D")


def lines(**kw) -> Chart:
    data = pd.DataFrame(
        {"x": list(DATES) * 2, "series": ["a"] * 3 + ["b"] * 3, "y": [1.0, 2.0, float("nan"), 4.0, 5.0, 6.0]}
    )
    return Chart("lines", "Registrations", data, y_title="mothers", temporal=True, **kw)


def ribbons() -> Chart:
    data = pd.DataFrame(
        {"x": list(DATES), "series": ["A"] * 3, "y": [1.0, 2.0, 3.0], "lo": [0.5, 1.5, 2.5], "hi": [1.5, 2.5, 3.5]}
    )
    return Chart("ribbons", "A/B", data, temporal=True, band=(1.0, 3.0), observed=2.0)


def points() -> Chart:
    data = pd.DataFrame({"x": [0.1, 0.1, 0.2, 0.2], "y": [0.0, 1.0, 1.0, 1.0]})
    return Chart(
        "points",
        "Share of runs",
        data,
        x_title="follow_rate",
        band=(0.5, 1.0),
        observed=0.75,
        x_band=[(0.15, 0.2)],
        y_format=".0%",
    )


def heatmap() -> Chart:
    data = pd.DataFrame({"x": [1.0, 1.0, 2.0, 2.0], "y": [10.0, 20.0, 10.0, 20.0], "z": [0.0, 0.25, 0.5, 1.0]})
    return Chart("heatmap", "Share inside", data, x_title="a", y_title="b", z_title="share inside")


def network() -> Chart:
    nodes = pd.DataFrame(
        {
            "x": [0.0, 1.0, 0.5],
            "y": [0.0, 0.0, 1.0],
            "role": ["hub:telegram", "member", "volunteer"],
            "degree": [2, 1, 1],
            "size": [16, 12, 12],
        }
    )
    edges = pd.DataFrame({"x": [0.0, 0.0], "y": [0.0, 0.0], "x2": [1.0, 0.5], "y2": [0.0, 1.0]})
    return Chart("network", "Network", nodes, edges=edges)


ALL = {"lines": lines, "ribbons": ribbons, "points": points, "heatmap": heatmap, "network": network}


# ---------------------------------------------------------------- Vega-Lite
def test_main_data_is_the_named_dataset_table_and_its_rows_are_returned():
    for kind in ("lines", "ribbons", "points", "heatmap"):
        chart = ALL[kind]()
        spec, values = charts.vega(chart)
        assert spec["data"] == {"name": "table"}, kind
        assert spec["$schema"].endswith("vega-lite/v5.json")
        assert spec["title"]["text"] == chart.title
        assert len(values) == len(chart.data), kind
        json.dumps([spec, values], allow_nan=False)  # strict JSON: no NaN, no timestamps


def test_temporal_x_is_epoch_milliseconds():
    spec, values = charts.vega(lines())
    expected = [int(d.timestamp() * 1000) for d in DATES] * 2
    assert [r["x"] for r in values] == expected
    assert all(type(r["x"]) is int for r in values)
    assert values[2]["y"] is None  # NaN -> null
    main = spec["layer"][-1]
    assert main["encoding"]["x"]["type"] == "temporal"
    assert main["encoding"]["y"]["axis"]["format"] == ",.0f"


def test_band_rule_and_x_band_layers_carry_their_own_one_row_data():
    for chart in (ribbons(), points(), lines(band=(2.0, 5.0), observed=3.0, x_band=[(DATES[0], DATES[1])])):
        spec, _ = charts.vega(chart)
        own = [layer for layer in spec["layer"] if "data" in layer]
        n = (chart.band is not None) + (chart.observed is not None) + len(chart.x_band)
        assert len(own) == n, chart.kind
        for layer in own:
            assert layer["data"] == ONE_ROW and len(layer["data"]["values"]) == 1
        data_layers = [layer for layer in spec["layer"] if "data" not in layer]
        assert data_layers and all(layer["encoding"]["x"]["field"] == "x" for layer in data_layers)
    spec, _ = charts.vega(ribbons())
    band = spec["layer"][0]["encoding"]
    assert (band["y"]["datum"], band["y2"]["datum"]) == (1.0, 3.0)
    assert spec["layer"][1]["encoding"]["y"]["datum"] == 2.0


def test_no_band_no_extra_layers():
    spec, _ = charts.vega(lines())
    assert len(spec["layer"]) == 1 and "data" not in spec["layer"][0]


def test_ribbons_draw_the_band_between_lo_and_hi():
    spec, values = charts.vega(ribbons())
    area = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "area")
    assert area["encoding"]["y"]["field"] == "lo" and area["encoding"]["y2"]["field"] == "hi"
    assert values[0] == {"x": int(DATES[0].timestamp() * 1000), "series": "A", "y": 1.0, "lo": 0.5, "hi": 1.5}


def test_points_have_a_mean_line_and_quantitative_x():
    spec, _ = charts.vega(points())
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks[-2:] == ["circle", "line"]
    assert spec["layer"][-1]["encoding"]["y"]["aggregate"] == "mean"
    assert spec["layer"][-1]["encoding"]["x"]["type"] == "quantitative"


def test_heatmap_colours_z_on_zero_to_one():
    spec, values = charts.vega(heatmap())
    (layer,) = spec["layer"]
    assert layer["mark"] == "rect"
    assert layer["encoding"]["color"]["field"] == "z" and layer["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert values == heatmap().data.to_dict("records")


def test_network_spec_holds_its_nodes_and_edges_inline():
    spec, values = charts.vega(network())
    assert values == [] and "data" not in spec
    edges, nodes = spec["layer"]
    assert len(edges["data"]["values"]) == 2 and len(nodes["data"]["values"]) == 3
    scale = nodes["encoding"]["color"]["scale"]
    # in ROLE_COLOURS order, present roles only, by their labels
    assert scale["domain"] == ["Telegram group", "volunteer", "member"]
    assert scale["range"] == [charts.ROLE_COLOURS[r] for r in ("hub:telegram", "volunteer", "member")]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("id", ["Grup Telegram", "relawan", "anggota"]), ("en", ["Telegram group", "volunteer", "member"])],
)
def test_the_network_legend_names_the_roles_in_the_readers_words(lang, shown):
    """Issue 12: the legend showed the codes (``hub:telegram``, ``member``), in English on an Indonesian page."""
    spec, _ = charts.vega(network(), lang)
    nodes = spec["layer"][1]
    colour = nodes["encoding"]["color"]
    assert colour["field"] == "role_label" and colour["scale"]["domain"] == shown
    labels = {r["role"]: r["role_label"] for r in nodes["data"]["values"]}
    assert [labels[r] for r in ("hub:telegram", "volunteer", "member")] == shown
    assert {t["field"] for t in nodes["encoding"]["tooltip"]} == {"role_label", "degree"}  # no code in the tooltip
    # the PNG's legend: the same words, in the same order
    legend = charts.figure(network(), lang=lang).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == shown
    # every role the model makes has a label in both languages, and no code is shown as it is
    for role in charts.ROLE_COLOURS:
        assert charts.role_label(role, lang) != role or role in ("volunteer", "member")
    assert charts.role_label("hub:whatsapp", "id") == "Grup WhatsApp"
    assert charts.role_label("manager", "id") == "tim manajerial"


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="pie"):
        charts.vega(Chart("pie", "t", pd.DataFrame({"x": [1], "y": [1]})))


# ---------------------------------------------------------------- PNG
@pytest.mark.parametrize("kind", sorted(ALL))
def test_png_of_every_kind(kind):
    data = charts.png(ALL[kind]())
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000


def test_png_of_a_temporal_chart_with_x_bands():
    data = charts.png(lines(band=(2.0, 5.0), observed=3.0, x_band=[(DATES[0], DATES[1])]))
    assert data.startswith(b"\x89PNG")


# ---------------------------------------------------------------- small pieces
@pytest.mark.parametrize(
    "title,filename",
    [
        ("Registrations", "registrations.png"),
        ("Share of runs with every target inside its band", "share-of-runs-with-every-target-inside-its-band.png"),
        ("Telegram members (5-95%)", "telegram-members-5-95.png"),
        ("", "chart.png"),
        ("!!!", "chart.png"),
    ],
)
def test_filename(title, filename):
    assert Chart("lines", title, pd.DataFrame()).filename == filename


@pytest.mark.parametrize(
    "x,expected", [(0, 1.0), (float("nan"), 1.0), (123, 200), (0.034, 0.04), (1000, 1000), (15_001, 20_000)]
)
def test_nice_max(x, expected):
    assert charts.nice_max(x) == pytest.approx(expected)


# ---------------------------------------------------------------- languages
def test_an_indonesian_spec_carries_the_locale_and_an_english_one_none():
    for chart in (lines(), ribbons(), points(), heatmap(), network()):
        spec, _ = charts.vega(chart, "id")
        locale = spec["config"]["locale"]
        assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "."
        assert locale["number"]["grouping"] == [3]
        short = locale["time"]["shortMonths"]
        assert len(short) == 12 and {"Mei", "Agu", "Okt", "Des"} <= set(short)
        assert locale["time"]["months"][0] == "Januari" and locale["time"]["months"][-1] == "Desember"
        assert "locale" not in charts.vega(chart, "en")[0]["config"]
        assert "locale" not in charts.vega(chart)[0]["config"]  # English by default, as before
        json.dumps(spec)  # sent to the browser as it is (dashboard/vue/live_chart.vue embeds the spec's config)


def test_the_locale_names_are_cldrs():
    """The month and day names are those Babel (CLDR) gives for Indonesian, Sunday first as d3 wants."""
    from babel.dates import get_day_names, get_month_names

    time = charts.LOCALES["id"]["time"]
    assert time["months"] == list(get_month_names("wide", locale="id").values())
    assert time["shortMonths"] == list(get_month_names("abbreviated", locale="id").values())
    days = get_day_names("wide", locale="id")  # Monday = 0
    assert time["days"] == [days[6], *(days[i] for i in range(6))]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="not available"):
        charts.vega(lines(), "fr")
    with pytest.raises(ValueError, match="not available"):
        charts.png(lines(), lang="fr")


def test_tooltips_are_titled_in_the_language():
    spec, _ = charts.vega(lines(), "id")
    (line,) = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "line"]
    titles = [t["title"] for t in line["encoding"]["tooltip"]]
    assert titles == ["garis", "tanggal", "mothers"]  # the y title comes translated by its builder
    heat, _ = charts.vega(heatmap(), "id")
    assert [t["title"] for t in heat["layer"][0]["encoding"]["tooltip"]] == ["a", "b", "share inside"]


@pytest.mark.parametrize(
    "value,d3_format,lang,text",
    [
        (15000.5, ",.1f", "en", "15,000.5"),
        (15000.5, ",.1f", "id", "15.000,5"),
        (0.25, ".0%", "id", "25%"),
        (0.125, ".3~g", "id", "0,125"),
        (2.5, ",~g", "id", "2,5"),
        (1234567, ",.0f", "id", "1.234.567"),
    ],
)
def test_tick_text(value, d3_format, lang, text):
    assert charts.tick_text(value, d3_format, lang) == text


def test_month_ticks():
    assert [charts.month_tick(f"2021-{m:02d}-01", "id") for m in (1, 5, 8, 10, 12)] == [
        "2021",
        "Mei",
        "Agu",
        "Okt",
        "Des",
    ]
    assert [charts.month_tick(f"2021-{m:02d}-01", "en") for m in (1, 5, 8)] == ["2021", "May", "Aug"]
    assert charts.month_tick("2021-08-15", "id") == "15 Agu"


def test_the_png_in_indonesian_writes_indonesian_months_numbers_and_legend():
    dates = pd.date_range("2020-04-01", "2021-03-31", freq="7D")
    data = pd.DataFrame({"x": dates, "series": "a", "y": [1000.0 * i for i in range(len(dates))]})
    chart = Chart("lines", "Pendaftaran", data, y_title="ibu", temporal=True, band=(2000.0, 9000.0), observed=5000.0)
    fig = charts.figure(chart, lang="id")
    fig.canvas.draw()
    (ax,) = fig.axes
    x_labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    y_labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert x_labels and set(x_labels) <= {*charts.LOCALES["id"]["time"]["shortMonths"], "2021"}
    assert {"Mei", "Agu", "Okt", "Des"} & set(x_labels)
    assert any("." in y for y in y_labels) and not any("," in y for y in y_labels)  # 10.000, not 10,000
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "rentang teramati" in legend and "teramati" in legend
    english = charts.figure(chart, lang="en")
    english.canvas.draw()
    assert {t.get_text() for t in english.axes[0].get_xticklabels()} & {"May", "Aug", "Oct", "Dec"}


def test_vega_embeds_menu_is_translated_in_the_spec_itself():
    """vega-embed reads usermeta.embedOptions: its "..." menu needs no change in dashboard/vue/live_chart.vue."""
    spec, _ = charts.vega(lines(), "id")
    texts = spec["usermeta"]["embedOptions"]["i18n"]
    assert set(texts) == set(charts.EMBED_TEXTS)
    assert texts["PNG_ACTION"] == "Simpan sebagai PNG" and texts["SVG_ACTION"] == "Simpan sebagai SVG"
    assert "usermeta" not in charts.vega(lines(), "en")[0]
