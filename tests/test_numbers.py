"""ibusim.numbers: numbers typed the Indonesian or the English way are read as their writer means, or refused.

The tables give the rules by example; the properties check them over generated strings against an
independent reading (a regular expression per language), and that what format_number writes is read back.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ibusim.numbers import KINDS, LANGUAGES, NumberError, format_number, hint, kind_for, parse_number
from ibusim.numbers import example as example_of

# (text, lang, kind, integer, expected value)
ACCEPTED = [
    # Indonesian: dots between thousands, a decimal comma
    ("500.000", "id", "money", False, 500_000.0),
    ("1.500.000", "id", "money", False, 1_500_000.0),
    ("Rp 1.500.000", "id", "money", False, 1_500_000.0),
    ("Rp1.500.000,50", "id", "money", False, 1_500_000.5),
    ("rp. 25.000", "id", "money", False, 25_000.0),
    ("IDR 250.000", "id", "money", False, 250_000.0),
    ("Rp\u00a01.500.000", "id", "money", False, 1_500_000.0),  # a no-break space, as Babel writes it
    ("-Rp 1.500.000", "id", "money", False, -1_500_000.0),
    ("Rp -1.500", "id", "money", False, -1_500.0),
    ("Rp 1,5 juta", "id", "money", False, 1_500_000.0),
    ("500rb", "id", "money", False, 500_000.0),
    ("2 jt", "id", "money", False, 2_000_000.0),
    ("1.500", "id", "count", True, 1500),
    ("1.500,0", "id", "count", True, 1500),
    ("2 ribu", "id", "count", True, 2000),
    ("0,05", "id", "rate", False, 0.05),
    ("0,05", "id", "share", False, 0.05),
    ("5%", "id", "share", False, 0.05),
    ("5 %", "id", "share", False, 0.05),
    ("5,5%", "id", "share", False, 0.055),
    ("1", "id", "share", False, 1.0),
    ("-3", "id", "count", True, -3),
    ("\u22123", "id", "rate", False, -3.0),  # the minus sign U+2212
    ("+7", "id", "count", True, 7),
    ("120000", "id", "count", True, 120000),
    ("  42  ", "id", "count", True, 42),
    ("2,5e-3", "id", "rate", False, 0.0025),
    ("1e5", "id", "count", True, 100_000),
    ("1,1250", "id", "rate", False, 1.125),
    ("0,500", "id", "rate", False, 0.5),  # 0,500 cannot be English thousands (a group never starts with 0)
    ("12,5", "id", "rate", False, 12.5),
    ("1.234.567,891", "id", "money", False, 1_234_567.891),
    # English: commas between thousands, a decimal point
    ("500,000", "en", "money", False, 500_000.0),
    ("1,500,000", "en", "money", False, 1_500_000.0),
    ("1,500,000.50", "en", "money", False, 1_500_000.5),
    ("Rp 1,500,000", "en", "money", False, 1_500_000.0),
    ("IDR 1,500,000", "en", "money", False, 1_500_000.0),
    ("2.5 million", "en", "money", False, 2_500_000.0),
    ("1,500", "en", "count", True, 1500),
    ("0.05", "en", "rate", False, 0.05),
    ("0.05", "en", "share", False, 0.05),
    ("5.5%", "en", "share", False, 0.055),
    ("1.5", "en", "rate", False, 1.5),
    ("1.1250", "en", "rate", False, 1.125),
    ("1e-3", "en", "rate", False, 0.001),
    ("-3", "en", "count", True, -3),
    ("0", "en", "share", False, 0.0),
    ("-0", "en", "rate", False, 0.0),
    # what the command line has always read (tests/test_parameters.py, test_bad_input.py)
    ("120_000", "en", "count", True, 120_000),
    ("150_000.5", "en", "money", False, 150_000.5),
    ("1_0", "id", "count", True, 10),
    ("1.234e-05", "en", "rate", False, 1.234e-05),  # an exponent: no thousands, one reading
    ("1,234e-5", "id", "rate", False, 1.234e-05),
    ("1.7976931348623157e+308", "en", "rate", False, 1.7976931348623157e308),
    ("1.500e3", "en", "rate", False, 1500.0),
]

# (text, lang, kind, integer, words the English message must contain)
REFUSED = [
    ("1.500", "id", "rate", False, "ambiguous: is it 1500 or 1,5?"),
    ("1.500", "id", "share", False, "ambiguous"),
    ("1,500", "id", "money", False, "ambiguous: is it 1,5 or 1500?"),
    ("1,500", "id", "count", True, "ambiguous"),
    ("500.000", "en", "money", False, "ambiguous: is it 500 or 500000?"),
    ("1.500", "en", "rate", False, "ambiguous: is it 1.5 or 1500?"),
    ("1,500", "en", "rate", False, "ambiguous"),
    ("0.05", "id", "rate", False, "type 0,05"),
    ("0,05", "en", "rate", False, "type 0.05"),
    ("1.500.000", "en", "money", False, "type 1,500,000"),
    ("1.50", "id", "count", True, "type 1.500"),
    ("1.5", "id", "money", False, "decimal mark"),
    ("1.5000", "id", "money", False, "in threes"),
    ("0.500", "id", "count", True, "in threes"),
    ("1.500,5.5", "id", "money", False, "the dot separates thousands and the comma comes before the decimals"),
    ("1,500.5", "id", "money", False, "the comma is the decimal mark: type 1.500,5"),
    ("1.500,5", "en", "money", False, "the point is the decimal mark: type 1,500.5"),
    ("1,5,5", "id", "rate", False, "only one decimal comma"),
    ("1,", "id", "rate", False, "digits on both sides"),
    (",5", "id", "rate", False, "digits on both sides"),
    ("1,5", "id", "count", True, "a whole number is needed here, not 1,5"),
    ("7", "id", "share", False, "type 7% or 0,07"),
    ("1,5", "id", "share", False, "type 1,5% or 0,015"),
    ("5%", "id", "rate", False, "a percentage is allowed only for a share"),
    ("Rp 5.000", "id", "count", True, "Rp is allowed only for an amount of money"),
    ("2 juta", "id", "rate", False, "juta is allowed only for money or a count"),
    ("2 million", "id", "money", False, "million is not read"),
    ("", "id", "rate", False, "empty"),
    ("   ", "en", "count", True, "empty"),
    ("NaN", "en", "rate", False, "not a number"),
    ("-inf", "id", "rate", False, "not a number"),
    ("Infinity", "en", "money", False, "not a number"),
    ("abc", "en", "rate", False, "abc is not read"),
    ("1 500", "id", "count", True, "spaces inside a number"),
    ("1__000", "en", "count", True, "an underscore goes only between two digits"),
    ("_1", "id", "count", True, "an underscore goes only between two digits"),
    ("1_", "en", "rate", False, "an underscore goes only between two digits"),
    ("1.234e-5", "id", "rate", False, "an exponent cannot go with thousands separators"),
    ("١٢", "id", "count", True, "ARABIC-INDIC DIGIT ONE"),
    ("１２３", "en", "count", True, "FULLWIDTH DIGIT ONE"),
    ("1\u00bd", "en", "rate", False, "cannot be part of a number"),
    ("--5", "en", "rate", False, "one sign at most"),
    ("5-", "en", "rate", False, "one sign at most"),
    ("-Rp -5", "id", "money", False, "one sign at most"),
    ("1.000e5", "id", "count", True, "an exponent cannot go with thousands separators"),
    ("Rp 1e6", "id", "money", False, "an exponent cannot go with"),
    ("1e999", "en", "rate", False, "too large"),
    ("1e400", "en", "count", True, "too large"),
    ("1E400", "id", "share", False, "too large"),  # hypothesis found it: babel could not write it back
    ("1e20", "en", "share", False, "too large"),  # no percentage worth suggesting
    ("1e308", "en", "share", False, "too large"),
    ("1e-999", "en", "rate", False, "too small"),
    ("9" * 101, "en", "count", True, "too long (101 characters)"),
    ("5%%", "en", "share", False, "cannot be part of a number"),
]


@pytest.mark.parametrize("text, lang, kind, integer, expected", ACCEPTED)
def test_accepted(text, lang, kind, integer, expected):
    value = parse_number(text, lang, kind, integer=integer)
    assert value == expected and type(value) is (int if integer else float)


@pytest.mark.parametrize("text, lang, kind, integer, words", REFUSED)
def test_refused_with_one_line_saying_what_to_type(text, lang, kind, integer, words):
    with pytest.raises(NumberError) as e:
        parse_number(text, lang, kind, integer=integer)
    english = e.value.in_language("en")  # the same refusal (lang's rules) in English words
    assert words in english, english
    for message in (str(e.value), english):
        assert "\n" not in message and len(message) < 200
    if lang == "id":  # shown in Indonesian, every word translated
        assert str(e.value) == e.value.in_language("id") != english


def test_bad_arguments_are_programming_errors():
    with pytest.raises(ValueError, match="language 'fr'"):
        parse_number("1", "fr")
    with pytest.raises(ValueError, match="kind 'price'"):
        parse_number("1", "id", "price")
    with pytest.raises(TypeError):
        parse_number(5, "id")
    with pytest.raises(TypeError):
        format_number("5", "id", "rate")
    with pytest.raises(ValueError):
        format_number(float("nan"), "en", "rate")


# ------------------------------------------------------------------ formatting
@pytest.mark.parametrize(
    "x, lang, kind, text",
    [
        (1_500_000, "id", "money", "Rp 1.500.000"),
        (1_500_000, "en", "money", "Rp 1,500,000"),
        (-1_500_000, "id", "money", "-Rp 1.500.000"),
        (1_500_000.4, "id", "money", "Rp 1.500.000"),
        (0.055, "id", "share", "5,5%"),
        (0.055, "en", "share", "5.5%"),
        (0.05, "id", "share", "5%"),
        (0.91, "en", "share", "91%"),
        (15000, "id", "count", "15.000"),
        (38600, "en", "count", "38,600"),
        (0.0025, "id", "rate", "0,0025"),
        (1.125, "id", "rate", "1,1250"),  # not 1,125: English readers would read one thousand one hundred...
        (1.125, "en", "rate", "1.1250"),
        (1234.6, "en", "rate", "1235"),  # 4 significant digits, no thousands separator
        (2.5e-9, "id", "rate", "2,5e-9"),
    ],
)
def test_format_number(x, lang, kind, text):
    assert format_number(x, lang, kind) == text


def test_format_exact_and_decimals():
    assert format_number(1_500_000.5, "id", "money", exact=True) == "Rp 1.500.000,5"
    assert format_number(1_500_000.5, "en", "money", decimals=2) == "Rp 1,500,000.50"
    assert format_number(0.0002, "id", "share", exact=True) == "0,02%"
    assert format_number(0.123456, "en", "share", decimals=3) == "12.3460%"  # 12.346% reads as 12346% in Indonesian


def test_examples_and_hints_read_back():
    for lang in LANGUAGES:
        for kind in KINDS:
            first = example_of(kind, lang).split(" ")[0] if kind == "share" else example_of(kind, lang)
            parse_number(first, lang, kind)
            assert example_of(kind, lang) in hint(kind, lang)
    assert hint("money", "id") == "jumlah dalam Rupiah, misalnya Rp 1.500.000"


# ------------------------------------------------------------------ round trips
FINITE = dict(allow_nan=False, allow_infinity=False)
VALUES = {
    "money": st.floats(min_value=-1e14, max_value=1e14, **FINITE).filter(lambda x: x == 0 or abs(x) > 1e-30),
    "count": st.floats(min_value=-1e14, max_value=1e14, **FINITE).filter(lambda x: x == 0 or abs(x) > 1e-30),
    "share": st.floats(min_value=-10, max_value=10, **FINITE).filter(lambda x: x == 0 or abs(x) > 1e-9),
    "rate": st.floats(min_value=-1e300, max_value=1e300, **FINITE),
}


def _tolerance(x: float, kind: str) -> float:
    if kind in ("money", "count"):
        return 0.5 + 1e-15 * abs(x)
    if kind == "share":
        return 0.0005 + 1e-15 * abs(x)
    return 5e-4 * abs(x) + 1e-300


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_format_then_parse_gives_the_value_back(kind, data):
    x = data.draw(VALUES[kind])
    for lang in LANGUAGES:
        exact = format_number(x, lang, kind, exact=True)
        assert parse_number(exact, lang, kind) == x, (exact, lang)
        shown = format_number(x, lang, kind)
        back = parse_number(shown, lang, kind)
        assert abs(back - x) <= _tolerance(x, kind), (shown, lang, back)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-(10**30), max_value=10**30))
@example(1000)
@example(-999)
def test_integers_round_trip_exactly(n):
    for lang in LANGUAGES:
        for kind in ("count", "money"):
            assert parse_number(format_number(n, lang, kind), lang, kind, integer=True) == n


def test_every_declared_parameter_default_reads_back_in_both_languages():
    """The wiring's round trip: a field shows format_number(default, exact) and reads it back unchanged."""
    from ibusim.model.parameters import PARAMS

    numeric = [p for p in PARAMS.values() if p.type in ("int", "float")]
    assert len(numeric) > 150
    kinds = {kind_for(p.unit, p.type) for p in numeric}
    assert kinds == set(KINDS)
    for p in numeric:
        kind = kind_for(p.unit, p.type)
        for value in (p.default, *p.bounds):
            value = int(value) if p.type == "int" else float(value)
            for lang in LANGUAGES:
                text = format_number(value, lang, kind, exact=True)
                back = parse_number(text, lang, kind, integer=p.type == "int")
                assert back == value and type(back) is type(value), (p.name, text)


@pytest.mark.parametrize(
    "unit, type_, kind",
    [
        ("Rp", "float", "money"),
        ("Rp/month", "float", "money"),
        ("Rp/post", "float", "money"),
        ("places", "int", "count"),
        ("weeks", "int", "count"),
        ("share", "float", "share"),
        ("probability", "float", "share"),
        ("1/week", "float", "rate"),
        ("multiplier", "float", "rate"),
        ("followers", "float", "rate"),
        ("share of respondents", "float", "rate"),
    ],
)
def test_kind_for(unit, type_, kind):
    assert kind_for(unit, type_) == kind


# ------------------------------------------------------------------ never misread
SEP = {"id": (".", ","), "en": (",", ".")}


def oracle(s: str, lang: str) -> Decimal | None:
    """How a reader of ``lang`` reads digits and separators ``s`` (None: not a number written that way)."""
    g, d = (re.escape(c) for c in SEP[lang])
    m = re.fullmatch(rf"([1-9][0-9]{{0,2}}(?:{g}[0-9]{{3}})+|[0-9]+)(?:{d}([0-9]+))?", s)
    if not m:
        return None
    return Decimal(m.group(1).replace(SEP[lang][0], "") + "." + (m.group(2) or "0"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,", min_size=1, max_size=12))
@example("500.000")
@example("1.500")
@example("1,500")
@example("0,05")
@example("0.05")
def test_no_string_is_read_otherwise_than_its_writer_means(s):
    """Checked over every language, kind and integer flag (16 readings per string).

    * accepted -> the value is the chosen language's reading of it;
    * accepted while the other language reads a different number -> only money or a count, written
      with the chosen language's thousands separator (500.000 in Indonesian);
    * readable in the chosen language and not ambiguous -> accepted (unless not whole in an integer
      field, or a bare share above 1).
    """
    for lang in LANGUAGES:
        other = "en" if lang == "id" else "id"
        mine, theirs = oracle(s, lang), oracle(s, other)
        for kind in KINDS:
            for integer in (False, True):
                try:
                    value = parse_number(s, lang, kind, integer=integer)
                except NumberError:
                    value = None
                if value is not None:
                    assert mine is not None and value == (int(mine) if integer else float(mine)), (s, lang, kind)
                    if theirs is not None and theirs != mine:
                        assert kind in ("money", "count") and SEP[lang][0] in s, (s, lang, kind)
                elif mine is not None and (theirs is None or theirs == mine):
                    assert (integer and mine != mine.to_integral_value()) or (kind == "share" and mine > 1), (
                        s,
                        lang,
                        kind,
                    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "5", "9", "12", "500", "000", "250"]), min_size=1, max_size=4))
def test_digits_and_dots_accepted_in_indonesian_are_thousands(groups):
    s = ".".join(groups)
    for kind in KINDS:
        try:
            value = parse_number(s, "id", kind)
        except NumberError:
            continue
        assert value == int(s.replace(".", "")), (s, kind)
        s_en = ",".join(groups)
        assert parse_number(s_en, "en", kind) == value


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789.,-+ %eERrpIDjutaMm\u00a0\u2212\uff11\u0661_")),
        min_size=0,
        max_size=14,
    )
)
def test_any_text_is_a_number_or_one_line(s):
    for lang in LANGUAGES:
        for kind in KINDS:
            try:
                value = parse_number(s, lang, kind)
            except NumberError as e:
                assert str(e) and "\n" not in str(e)
            else:
                assert isinstance(value, float) and math.isfinite(value)


def test_retype_writes_the_same_number_for_the_new_reader_or_leaves_the_text():
    from ibusim.numbers import retype

    assert retype("Rp 500.000.000", "id", "en", "money") == "Rp 500,000,000"
    assert retype("0,05", "id", "en", "rate") == "0.05"
    assert retype("1.000", "id", "en", "count", integer=True) == "1000"  # whole numbers written plainly
    assert retype("Rp 1.500.000", "id", "en", "money", shown_as="rate") == "1500000"  # every digit, no grouping
    for unread in ("abc", "500.000", ""):  # 500.000 is ambiguous for an English reader: kept for its message
        assert retype(unread, "en", "id", "money") == unread
    for text, lang in (("Rp 650.000.000", "id"), ("0,125", "id"), ("15.000", "id")):
        other = "en" if lang == "id" else "id"
        kind = "money" if text.startswith("Rp") else "rate"
        assert retype(retype(text, lang, other, kind), other, lang, kind) == text  # there and back
