"""Numbers as people write them, in Bahasa Indonesia and in English: read strictly, shown as each reads them.

Indonesians write thousands with a dot and decimals with a comma (``Rp 1.500.000``, ``0,05``); English
readers the other way round (``Rp 1,500,000``, ``0.05``). The same string can therefore mean two numbers:
``500.000`` is five hundred thousand to an Indonesian and five hundred to an English reader. The rules
below accept a string only when the language chosen and the kind of field leave one sensible reading; any
other string is refused with one line saying what is wrong and what to type instead. Nothing is misread.

Kinds of field (:data:`KINDS`):

* ``money``: Rupiah. ``Rp``/``Rp.``/``IDR`` may precede the number; thousands separators expected;
  scale words ``ribu``/``rb``, ``juta``/``jt``, ``miliar`` (Indonesian) and ``thousand``, ``million``,
  ``billion`` (English) allowed (``Rp 1,5 juta``).
* ``count``: people, places, weeks... Thousands separators and scale words allowed.
* ``share``: a fraction of a whole, written ``0,05`` or as a percentage ``5%``/``5 %`` (read as 0.05). A
  number above 1 without ``%`` is refused (``7``: seven percent or seven hundred percent?).
* ``rate``: anything else (rates per week, multipliers, scores). No thousands separators.

The rules, for the language chosen (L) and the other one (O):

1. Only ASCII digits ``0-9``, the two separators, a leading ``+``/``-`` (also the minus sign U+2212), an
   exponent (``1e-3``, ``2,5e-3`` in Indonesian; not with separators between thousands, ``Rp``, ``%`` or a
   scale word), ``Rp`` (money), ``%`` (share) and a scale word (money, count). Spaces are allowed only
   around the number (``Rp 500.000``, ``5 %``; no-break spaces count as spaces). Refused: digits of other
   scripts and full-width digits (``١٢``, ``１２``: read by Python's ``float`` but not by everyone),
   spaces inside the digits, ``NaN``, ``inf``, an empty field, more than 100 characters. One underscore
   between two digits is read as nothing (``1_000``, Python's and TOML's digit separator, which the
   command line has always read); ``1__0``, ``_1`` and ``1_`` are refused.
2. Grouping is in threes: the first group has 1-3 digits and does not start with 0, every later group
   exactly 3 (``1.500.000``; ``1.50`` and ``0.500`` are refused in Indonesian). Separators come in the
   order of the language (``1.500,5`` in Indonesian, ``1,500.5`` in English; the other order is refused);
   at most one decimal separator, with digits on both sides.
3. The string is read with L's separators; a string that L cannot read is refused (``0.05`` in
   Indonesian: write ``0,05``), naming L's way of writing.
4. When O would read it too, as a different number, it is ambiguous. It is accepted only in a money or
   count field whose string uses L's thousands separator (``500.000`` in Indonesian, ``500,000`` in
   English: grouping is what such a field holds, and three decimals of a Rupiah or a person are not
   meant). Otherwise it is refused, with both readings: ``1.500`` in a rate field, and ``500.000`` in an
   English money field (five hundred, or five hundred thousand written the Indonesian way?). With an
   exponent there is no thousands separator, so ``1.234e-5`` is read in English, refused in Indonesian.
5. Integer fields take whole numbers only (``1.500,0`` is 1500; ``1,5`` is refused); a float that
   overflows or underflows to zero is refused.

:func:`format_number` writes numbers so that :func:`parse_number` reads them back in the same language
and kind (``exact=True`` for the value itself, e.g. in a form field; otherwise rounded for reading).
Babel (CLDR) provides the symbols and the digit grouping; the reading rules are explicit here, because
Babel's ``parse_decimal(..., strict=True)`` reads ``1,500`` as 1.5 in Indonesian and ``1.500`` as 1.5
in English without a word, and accepts ``NaN``, ``Infinity`` and non-ASCII digits.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, localcontext

from ibusim.i18n import N_, check_language, gettext

KINDS = ("money", "count", "share", "rate")
LANGUAGES = ("id", "en")
SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (thousands, decimal)
LOCALES = {"id": "id_ID", "en": "en"}  # Babel locales: English with English separators, not CLDR's en_ID
CURRENCY = "Rp"  # what Indonesians, and English readers in Indonesia, write before a Rupiah amount
MAX_LENGTH = 100
SCALES = {
    "id": {"ribu": 3, "rb": 3, "juta": 6, "jt": 6, "miliar": 9},
    "en": {"thousand": 3, "million": 6, "billion": 9},
}
SMALLEST, LARGEST = Decimal("1e-6"), Decimal("1e15")  # rates outside are written with an exponent
GROUPED = ("money", "count")  # kinds written with thousands separators
DEFAULT_DECIMALS = {"money": 0, "count": 0, "share": 1}  # rate: 4 significant digits
EXAMPLES = {
    ("money", "id"): "Rp 1.500.000",
    ("money", "en"): "Rp 1,500,000",
    ("count", "id"): "1.500",
    ("count", "en"): "1,500",
    ("share", "id"): "5% atau 0,05",
    ("share", "en"): "5% or 0.05",
    ("rate", "id"): "0,05",
    ("rate", "en"): "0.05",
}

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_EXPONENT = re.compile(r"[eE]([+-]?[0-9]{1,4})$")
_WORD = re.compile(r"\s*([A-Za-z]+)$")
_BAD_UNDERSCORE = re.compile(r"(?<![0-9])_|_(?![0-9])")
_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u2212": "-"}


class NumberError(ValueError):
    """A number that is refused: the message is one line, in the language asked for, saying what to type.

    ``msgid`` and ``fields`` keep the message before translation, so the same refusal can be shown
    again in another language (``in_language("en")``), e.g. after a language switch or in a log.
    """

    def __init__(self, message: str, msgid: str = "", fields: dict | None = None):
        super().__init__(message)
        self.msgid = msgid or message
        self.fields = dict(fields or {})

    def in_language(self, lang: str) -> str:
        """The message in ``lang``."""
        return gettext(lang)(self.msgid).format(**self.fields)


# Messages (English msgids, translated in ibusim/locale; placeholders are filled after translation)
M_EMPTY = N_("empty: type a number, e.g. {example}")
M_LONG = N_("too long ({n} characters): type a number, e.g. {example}")
M_FOREIGN_DIGIT = N_("{char} is not one of the digits 0-9: type the number with 0-9, e.g. {example}")
M_CHAR = N_("{char} cannot be part of a number: type it like {example}")
M_NOT_NUMBER = N_("not a number: type one like {example}")
M_INNER_SPACE = N_("spaces inside a number are not read: type it like {example}")
M_UNDERSCORE = N_("an underscore goes only between two digits (1_000): type it like {example}")
M_SIGN = N_("one sign at most, at the start: type it like -3")
M_PERCENT = N_("a percentage is allowed only for a share: type a plain number, e.g. {example}")
M_CURRENCY = N_("Rp is allowed only for an amount of money: type a plain number, e.g. {example}")
M_SCALE = N_("{word} is allowed only for money or a count: type the whole number, e.g. {example}")
M_UNKNOWN_WORD = N_("{word} is not read: type the number with digits only, e.g. {example}")
M_EXPONENT = N_("an exponent cannot go with thousands separators, Rp, % or a word: type it like {example}")
M_GROUPS = N_("thousands are grouped in threes: type it like {example}")
M_ORDER_ID = N_("in Indonesian the dot separates thousands and the comma comes before the decimals: 1.500,5")
M_ORDER_EN = N_("in English the comma separates thousands and the point comes before the decimals: 1,500.5")
M_TWO_DECIMAL_ID = N_("only one decimal comma is allowed (the dot separates thousands): type it like {example}")
M_TWO_DECIMAL_EN = N_("only one decimal point is allowed (the comma separates thousands): type it like {example}")
M_OTHER_WAY_ID = N_("in Indonesian the dot groups thousands in threes and the comma is the decimal mark: type {fixed}")
M_OTHER_WAY_EN = N_("in English the comma groups thousands in threes and the point is the decimal mark: type {fixed}")
M_DIGITS_AROUND = N_("a decimal mark needs digits on both sides: type it like {example}")
M_AMBIGUOUS = N_("ambiguous: is it {first} or {second}? Type the one you mean as written here")
M_SHARE_ABOVE_ONE = N_("a share is a fraction from 0 to 1 or a percentage: type {percent} or {fraction}")
M_WHOLE = N_("a whole number is needed here, not {value}")
M_TOO_LARGE = N_("too large a number")
M_TOO_SMALL = N_("too small a number to be told apart from 0: type 0 or a larger number")


def _fail(lang: str, message: str, **fields) -> NumberError:
    return NumberError(gettext(lang)(message).format(**fields), message, fields)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    return kind


def kind_for(unit: str, type_: str) -> str:
    """The kind of field of a declared parameter (model/parameters.py's ``unit`` and ``type``).

    Integers are counts; a unit in Rupiah (``Rp``, ``Rp/month``, ...) is money; ``share`` and
    ``probability`` are shares (typed as ``5%`` or ``0,05``); everything else is a rate.
    """
    if type_ == "int":
        return "count"
    if unit.split("/")[0].strip() == "Rp":
        return "money"
    if unit in ("share", "probability"):
        return "share"
    return "rate"


def example(kind: str, lang: str) -> str:
    """How to type a number of ``kind`` in ``lang``, e.g. for a field's placeholder: ``Rp 1.500.000``."""
    return EXAMPLES[_check_kind(kind), check_language(lang)]


def read_grouped(body: str, thousands: str, decimal: str) -> Decimal | str:
    """``body`` (ASCII digits and separators only) read with the given separators, or why it cannot be.

    The problem is a short code: ``groups`` (not in threes), ``order`` (a thousands separator after the
    decimal one), ``two-decimals``, ``digits-around`` (a decimal mark without digits on both sides),
    ``empty``.
    """
    if not body:
        return "empty"
    whole, sep, frac = body.partition(decimal)
    if sep and (decimal in frac):
        return "two-decimals"
    if thousands in frac:
        return "order"
    if sep and (not whole or not frac):
        return "digits-around"
    if thousands in whole:
        groups = whole.split(thousands)
        first, rest = groups[0], groups[1:]
        if not (1 <= len(first) <= 3 and first[0] != "0" and all(len(g) == 3 for g in rest)):
            return "groups"
        whole = "".join(groups)
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return "groups"
    return Decimal(f"{whole}.{frac}" if frac else whole)


def parse_number(text: str, lang: str, kind: str = "rate", *, integer: bool = False) -> int | float:
    """A number typed by a person -> int (``integer=True``) or float; NumberError (one line) when refused.

    ``lang`` is "id" or "en"; ``kind`` one of :data:`KINDS` (see the module's docstring for the rules).
    Examples, Indonesian: ``"Rp 1.500.000"`` (money) -> 1500000.0; ``"0,05"`` -> 0.05; ``"5 %"`` (share)
    -> 0.05; ``"1.500"`` (count, integer) -> 1500; ``"1.500"`` (rate) is refused as ambiguous. English:
    ``"1,500,000.50"`` (money) -> 1500000.5; ``"500.000"`` (money) is refused as ambiguous.
    """
    lang = check_language(lang)
    _check_kind(kind)
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    ex = example(kind, lang)
    t = text.strip()
    if not t:
        raise _fail(lang, M_EMPTY, example=ex)
    if len(t) > MAX_LENGTH:
        raise _fail(lang, M_LONG, n=f"{len(t):,}", example=ex)
    for old, new in _SPACES.items():
        t = t.replace(old, new)
    for ch in t:
        if not ch.isascii():
            what = M_FOREIGN_DIGIT if unicodedata.category(ch) == "Nd" else M_CHAR
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            raise _fail(lang, what, char=f"'{ch}' ({name})", example=ex)
    if t.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise _fail(lang, M_NOT_NUMBER, example=ex)

    sign, signed = 1, False
    if t[0] in "+-":
        signed = True  # a sign before Rp ("-Rp 5.000", as Babel writes it) or before the digits
        sign = -1 if t[0] == "-" else 1
        t = t[1:].lstrip()
    percent = t.endswith("%")
    if percent:
        if kind != "share":
            raise _fail(lang, M_PERCENT, example=ex)
        t = t[:-1].rstrip()
    currency = _CURRENCY.match(t)
    if currency:
        if kind != "money":
            raise _fail(lang, M_CURRENCY, example=ex)
        t = t[currency.end() :]
    if t[:1] in ("+", "-"):
        if signed or not currency:
            raise _fail(lang, M_SIGN)
        sign = -1 if t[0] == "-" else 1
        t = t[1:].lstrip()
    scale = 0
    word = _WORD.search(t)
    if word and not _EXPONENT.search(t):
        w = word.group(1).lower()
        if w not in SCALES[lang]:
            raise _fail(lang, M_UNKNOWN_WORD, word=word.group(1), example=ex)
        if kind not in ("money", "count"):
            raise _fail(lang, M_SCALE, word=word.group(1), example=ex)
        scale = SCALES[lang][w]
        t = t[: word.start()].rstrip()
    exponent = _EXPONENT.search(t)
    if exponent:
        t = t[: exponent.start()]
        if currency or percent or scale or SEPARATORS[lang][0] in t:
            raise _fail(lang, M_EXPONENT, example=SEPARATORS[lang][1].join(("2", "5e-3")))
        scale += int(exponent.group(1))
    if "_" in t:  # Python's and TOML's digit separator: one underscore between two digits (1_000)
        if _BAD_UNDERSCORE.search(t):
            raise _fail(lang, M_UNDERSCORE, example=ex)
        t = t.replace("_", "")
    for ch in t:
        if ch.isdigit() or ch in ".,":
            continue
        if ch.isspace():
            raise _fail(lang, M_INNER_SPACE, example=ex)
        if ch in "+-":
            raise _fail(lang, M_SIGN)
        raise _fail(lang, M_CHAR, char=f"'{ch}'", example=ex)

    with localcontext(prec=MAX_LENGTH + 20):  # exact: no rounding of long digit strings
        value = _reading(t, lang, kind, ex, exponent=bool(exponent)).scaleb(scale - (2 if percent else 0))
        if sign < 0:
            value = -value
    return _finish(value, lang, kind, percent, integer)


def _finish(value: Decimal, lang: str, kind: str, percent: bool, integer: bool) -> int | float:
    """Rule 5 and the share rule: ``value`` checked and converted to the field's type."""
    if value and value.adjusted() > 308:  # beyond any float, and too long to write back in a message (1E400)
        raise _fail(lang, M_TOO_LARGE)
    if kind == "share" and not percent and value > 1:
        if value.adjusted() >= 15:  # no percentage to suggest that anyone would read
            raise _fail(lang, M_TOO_LARGE)
        raise _fail(lang, M_SHARE_ABOVE_ONE, percent=f"{_plain(value, lang)}%", fraction=_plain(value.scaleb(-2), lang))
    if integer:
        if value != value.to_integral_value():
            raise _fail(lang, M_WHOLE, value=_plain(value, lang))
        if abs(value) >= Decimal(10) ** 300:
            raise _fail(lang, M_TOO_LARGE)
        return int(value)
    x = float(value)
    if not math.isfinite(x):
        raise _fail(lang, M_TOO_LARGE)
    if x == 0 and value != 0:
        raise _fail(lang, M_TOO_SMALL)
    return x + 0.0  # -0.0 -> 0.0


def _reading(t: str, lang: str, kind: str, ex: str, exponent: bool = False) -> Decimal:
    """Rules 2-4: the value of the digits and separators ``t`` in ``lang``, or NumberError.

    ``exponent``: ``t`` is the mantissa of a number with an exponent, which neither language writes
    with thousands separators (so ``1.234e-5`` has one reading in English).
    """
    other = "en" if lang == "id" else "id"
    thousands, decimal = SEPARATORS[lang]
    mine = read_grouped(t, thousands, decimal)
    theirs = read_grouped(t, *SEPARATORS[other])
    if exponent and SEPARATORS[other][0] in t:
        theirs = "groups"
    if isinstance(mine, str):
        if mine == "empty":
            raise _fail(lang, M_NOT_NUMBER, example=ex)
        if not isinstance(theirs, str):  # written the other language's way
            message = M_OTHER_WAY_ID if lang == "id" else M_OTHER_WAY_EN
            fixed = _format_decimal(theirs, lang, grouping=kind in GROUPED, exact=True, decimals=0)
            if kind in GROUPED and decimal not in t and theirs != theirs.to_integral_value():  # 1.50: 150?
                fixed = ex
            raise _fail(lang, message, fixed=fixed)
        if mine == "order":
            raise _fail(lang, M_ORDER_ID if lang == "id" else M_ORDER_EN)
        if mine == "two-decimals":
            raise _fail(lang, M_TWO_DECIMAL_ID if lang == "id" else M_TWO_DECIMAL_EN, example=ex)
        if mine == "digits-around":
            raise _fail(lang, M_DIGITS_AROUND, example=ex)
        raise _fail(lang, M_GROUPS, example=ex)
    if isinstance(theirs, str) or theirs == mine:
        return mine
    if kind in GROUPED and thousands in t:
        return mine
    first, second = (_plain(v, lang) for v in (mine, theirs))
    raise _fail(lang, M_AMBIGUOUS, first=first, second=second)


def _plain(value: Decimal, lang: str) -> str:
    """``value`` as ``lang`` writes it unambiguously, without thousands separators (for messages)."""
    return _format_decimal(value, lang, grouping=False, exact=True, decimals=0)


def _format_decimal(value: Decimal, lang: str, *, grouping: bool, exact: bool, decimals: int, fixed=False) -> str:
    from babel.numbers import format_decimal

    pattern = ("#,##0" if grouping else "0") + ("." + ("0" if fixed else "#") * decimals if decimals else "")
    if exact:
        pattern = ("#,##0" if grouping else "0") + ".#"
    with localcontext(prec=400):  # Babel rounds with the context's precision: keep every digit of long numbers
        text = format_decimal(
            value, format=pattern, locale=LOCALES[lang], decimal_quantization=not exact, group_separator=grouping
        )
    thousands, decimal = SEPARATORS[lang]
    whole, sep, frac = text.partition(decimal)
    # exactly three decimals after an ungrouped whole part would read as thousands in the other
    # language (1,125 / 1.125): one more zero keeps the value and removes the doubt
    digits = whole.lstrip("-")
    if sep and len(frac) == 3 and 1 <= len(digits) <= 3 and digits[0] != "0":
        text += "0"
    return text


def retype(text: str, old: str, new: str, kind: str, *, integer: bool = False, shown_as: str | None = None) -> str:
    """``text`` typed by a reader of ``old``, written for a reader of ``new``: the same number after a language switch.

    ``0,05`` on an Indonesian page becomes ``0.05`` on the English one instead of a number the new reader's page
    would refuse. ``text`` comes back unchanged when ``old`` cannot read it. ``integer``: a whole number, written
    plainly (``1000``); ``shown_as``: the kind to write it as (default ``kind``; ``"rate"`` writes every digit, no
    grouping).
    """
    try:
        x = parse_number(str(text), old, kind, integer=integer)
    except (NumberError, TypeError, ValueError):
        return text
    if integer:
        return str(x)
    return format_number(float(x), new, shown_as or kind, exact=shown_as == "rate")


def format_number(x: float | int, lang: str, kind: str, *, decimals: int | None = None, exact: bool = False) -> str:
    """``x`` as a reader of ``lang`` expects it: ``Rp 1.500.000`` / ``Rp 1,500,000``, ``5,5%`` / ``5.5%``.

    ``kind``:

    * ``money``: Rupiah, grouped; whole Rupiah unless ``decimals`` (then exactly that many);
    * ``count``: grouped; whole unless ``decimals`` (at most that many);
    * ``share``: a fraction shown as a percentage; one decimal at most unless ``decimals``;
    * ``rate``: no thousands separators; 4 significant digits unless ``decimals``; written with an
      exponent below 1e-6 and from 1e15 (``2,5e-9``).

    ``exact=True`` writes every digit needed to give ``x`` back (e.g. a form field's text; money,
    counts and shares in at most 100 characters, so not amounts below about 1e-80). Whatever is
    written, :func:`parse_number` reads back in the same language and kind: exactly with ``exact``, else
    within the rounding. Three decimals after a whole part of 1-999 get a fourth, zero (``1,1250``), as
    ``1,125`` would be one thousand one hundred and twenty-five to a reader of the other language.
    the rounding. English uses ``Rp`` too, as English-language media in Indonesia do.
    """
    lang = check_language(lang)
    _check_kind(kind)
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"x must be a number, not {type(x).__name__}")
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"{x} cannot be written as a number")
    value = Decimal(x) if isinstance(x, int) else Decimal(repr(x))
    if kind == "share":
        value = value.scaleb(2)
    if decimals is None:
        if kind in DEFAULT_DECIMALS:
            decimals = DEFAULT_DECIMALS[kind]
        else:  # rate: four significant digits
            decimals = 0 if value == 0 else max(0, 3 - math.floor(math.log10(abs(value))))
    decimals = min(decimals, 20)
    if kind == "rate" and value != 0 and not (SMALLEST <= abs(value) < LARGEST):
        return _scientific(value, lang, exact)
    fixed = kind == "money"  # Rp 1.500.000,50: cents, when asked for, in full
    text = _format_decimal(value, lang, grouping=kind in GROUPED, exact=exact, decimals=decimals, fixed=fixed)
    if kind == "money":
        minus = text.startswith("-")
        return ("-" if minus else "") + f"{CURRENCY} {text.lstrip('-')}"
    if kind == "share":
        return f"{text}%"
    return text


def _scientific(value: Decimal, lang: str, exact: bool) -> str:
    """A rate far from 1 as mantissa and exponent (``2,5e-9``): 4 significant digits, or exact."""
    exponent = value.adjusted()
    mantissa = value.scaleb(-exponent)
    return f"{_format_decimal(mantissa, lang, grouping=False, exact=exact, decimals=3)}e{exponent}"


def hint(kind: str, lang: str) -> str:
    """One line on how to type a number of ``kind`` in ``lang``, for the help under a field."""
    _ = gettext(lang)
    ex = example(kind, lang)
    if kind == "money":
        return _("an amount in Rupiah, e.g. {example}").format(example=ex)
    if kind == "share":
        return _("a percentage or a fraction, e.g. {example}").format(example=ex)
    if kind == "count":
        return _("a count, e.g. {example}").format(example=ex)
    return _("a number, e.g. {example}").format(example=ex)


def format_output(value, unit: str, lang: str) -> str:
    """``value`` in the number format of an output ``unit`` (model/outputs.py), as a reader of ``lang`` reads it.

    The catalogue's one formatter, :func:`ibusim.model.outputs.fmt`: ``Rp1,500,000`` and ``91.0%`` in
    English, ``Rp 1.500.000`` and ``91%`` in Indonesian; missing values (None, NaN) are "n/a" in ``lang``.
    Shared by the command line's tables and the reports.
    """
    from ibusim.model.outputs import fmt

    return fmt(value, unit, check_language(lang))


def _check_languages_match() -> None:  # the two lists of languages must not drift apart
    from ibusim.i18n import LANGUAGES as TRANSLATED

    assert set(LANGUAGES) == set(TRANSLATED) == set(SEPARATORS) == set(LOCALES) == set(SCALES)


_check_languages_match()
