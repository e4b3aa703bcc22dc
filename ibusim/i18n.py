"""Translations: Bahasa Indonesia and English, with gettext catalogues read through Babel.

English is the source language: every message is written in English in the code (the msgid) and
translated in ``ibusim/locale/id/LC_MESSAGES/ibusim.po``. The ``.po`` file is the only copy: it is read
directly when a language is first asked for (about 10 ms, then cached), so a fresh clone works after
``pip install -e .`` with no compile step and no compiled ``.mo`` file to keep in step.

In code::

    from ibusim.i18n import N_, gettext, ngettext

    _ = gettext(lang)  # lang: "id" or "en"
    _("Run to end")  # "Jalankan sampai selesai" in Indonesian
    _("--set {name} is given twice").format(name=name)  # placeholders in {braces}, filled after translating
    _n = ngettext(lang)
    _n("{n} run", "{n} runs", n).format(n=n)
    LABEL = N_("Mothers registered since 2020")  # marked for the catalogue, translated where it is shown

Only ``_``, ``_n`` and ``N_`` mark strings for ``scripts/i18n_extract.py`` (``gettext(lang)`` itself takes a
language, not a message). There is no global current language: each browser session of the dashboard has
its own, so a language is always passed explicitly.

Which language:

* the command line: :func:`choose_language` (an explicit choice such as ``--lang``, else the
  ``IBUSIM_LANG`` environment variable, else the POSIX locale variables ``LANGUAGE``, ``LC_ALL``,
  ``LC_MESSAGES``, ``LANG`` in gettext's order, else English);
* the browser: :func:`from_accept_language` picks from the ``Accept-Language`` header, which the browser
  fills from the phone's or computer's language; a choice the person makes on the page wins over it.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

LANGUAGES = ("id", "en")
DEFAULT = "en"
DOMAIN = "ibusim"
ENV = "IBUSIM_LANG"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
POSIX_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's own order (gettext.find)
NAMES = {"id": "Bahasa Indonesia", "en": "English"}  # each language in its own words, for a language switch

# "in" is the old ISO 639 code for Indonesian, still sent by some Android and Java systems
_ALIASES = {"id": "id", "in": "id", "ind": "id", "en": "en", "eng": "en"}


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translate where it is shown)."""
    return message


def normalise(tag: str | None) -> str | None:
    """The supported language of a locale name or language tag, or None.

    ``"id_ID.UTF-8"``, ``"id-ID"``, ``"in"`` and ``"ID"`` give ``"id"``; ``"en_GB"`` gives ``"en"``;
    ``"fr_FR"``, ``"C"``, ``"POSIX"`` and ``""`` give None.
    """
    if not isinstance(tag, str):
        return None
    primary = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    return _ALIASES.get(primary)


def check_language(lang: str) -> str:
    """``lang`` as one of :data:`LANGUAGES` (tags such as ``id_ID`` accepted), else ValueError saying what is."""
    code = normalise(lang)
    if code is None:
        raise ValueError(f"language {lang!r} is not available: choose one of {', '.join(LANGUAGES)}")
    return code


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The translations of ``lang`` ("id" or "en"): the catalogue read from its ``.po`` file, cached.

    English is the source language, so its translations return every message unchanged. Fuzzy
    entries (a translation marked as needing review) are not used.
    """
    code = check_language(lang)
    if code == "en":
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with open(catalogue_path(code), "rb") as f:
        catalog = read_po(f, locale=code, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / check_language(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def gettext(lang: str) -> Callable[[str], str]:
    """The translating function of ``lang``, to be bound to ``_`` (see the module's docstring)."""
    return translations(lang).gettext


def ngettext(lang: str) -> Callable[[str, str, int], str]:
    """The plural-aware translating function of ``lang``, to be bound to ``_n``."""
    return translations(lang).ngettext


def choose_language(choice: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language of the command line: an explicit choice, else ``IBUSIM_LANG``, else the locale, else English.

    ``choice`` (e.g. a ``--lang`` option) and ``IBUSIM_LANG`` are the user's own choice, so an unsupported
    value is an error (ValueError naming the languages), not silently English. The POSIX locale variables
    are read in gettext's order (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``): the first one set
    decides; ``LANGUAGE`` may list several (``fr:id:en``) and the first supported one counts; a locale
    without a translation (``fr_FR``, ``C``) gives English. ``environ`` defaults to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    if choice is not None and str(choice).strip():
        return check_language(str(choice))
    own = env.get(ENV, "").strip()
    if own:
        try:
            return check_language(own)
        except ValueError as e:
            raise ValueError(f"{ENV}: {e}") from None
    for var in POSIX_ENV:
        value = env.get(var, "").strip()
        if not value:
            continue
        for part in value.split(":") if var == "LANGUAGE" else (value,):
            code = normalise(part)
            if code is not None:
                return code
        if var != "LANGUAGE":  # the first locale variable set decides, as in gettext
            return DEFAULT
    return DEFAULT


_RANGE = re.compile(r"^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$")
_QVALUE = re.compile(r"^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$")


def from_accept_language(header: str | None, default: str = DEFAULT) -> str:
    """The language to show a browser that sent ``header`` (an HTTP ``Accept-Language`` value).

    Ranges are taken by their weight (``q``, 1 when absent; ties keep the browser's order); a range
    counts by its primary subtag (``id-ID`` and ``in`` are Indonesian, ``en-GB`` English); ``q=0``
    means "not this one"; ``*`` means any language (``default``, unless it was refused). Malformed parts
    are skipped. Nothing usable gives ``default``. Example: ``"id-ID,id;q=0.9,en-US;q=0.8"`` -> ``"id"``.
    """
    default = check_language(default)
    if not isinstance(header, str) or not header.strip():
        return default
    ranked: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for i, part in enumerate(header.split(",")[:50]):
        fields = [f.strip() for f in part.split(";")]
        tag = fields[0]
        if not _RANGE.match(tag):
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                q = float(value) if _QVALUE.match(value) else -1.0
        if q < 0:
            continue  # a malformed weight: skip the range rather than guess
        code = default if tag == "*" else normalise(tag)
        if code is None:
            continue
        if q == 0:
            refused.add(code)
        else:
            ranked.append((-q, i, code))
    for _, _, code in sorted(ranked):
        if code not in refused:
            return code
    left = [c for c in (default, *LANGUAGES) if c not in refused]
    return left[0] if left else default


class Localised:
    """A value inside a message, written as a reader of each language writes it (e.g. a bound, a number).

    ``english`` is how it reads in English (and in ``str()``); ``render(lang)`` gives it in another
    language, e.g. ``lambda lang: format_number(0.05, lang, "share")``.
    """

    def __init__(self, english: str, render: Callable[[str], str]):
        self.english = english
        self.render = render

    def __str__(self) -> str:
        return self.english

    def __repr__(self) -> str:
        return f"Localised({self.english!r})"

    def in_language(self, lang: str) -> str:
        """The value as written for a reader of ``lang``."""
        return self.english if check_language(lang) == "en" else self.render(lang)


def number(x: float | int, kind: str, english: str | None = None) -> Localised:
    """A number for a message: ``english`` (default ``str(x)``) in English, else ``format_number(x, lang, kind)``."""

    def render(lang: str) -> str:
        from ibusim.numbers import format_number

        return format_number(x, lang, kind)

    return Localised(str(x) if english is None else english, render)


def localise(value: object, lang: str) -> str:
    """``value`` for a message in ``lang``: its ``in_language(lang)`` if it has one (errors, :class:`Localised`)."""
    in_language = getattr(value, "in_language", None)
    return in_language(lang) if callable(in_language) else str(value)


class TranslatableError(ValueError):
    """A one-line error that keeps its English msgid and fields, so each reader sees it in their language.

    ``TranslatableError(N_("{name} must be at most {high}"), name="x", high=number(1, "share"))``:
    ``str(e)`` is the English sentence (fields filled with ``str``); :meth:`in_language` translates the
    msgid and fills the fields in that language (a field that is itself such an error, a
    :class:`ibusim.numbers.NumberError` or a :class:`Localised` value is shown in that language too).
    A single already-written message (no fields) works as well: it is translated if the catalogue has it.
    Pickling (an error raised in a worker process) keeps the msgid and each field as already written in
    every language (fields may hold functions, which do not pickle), and the attributes a subclass set;
    it does not call the subclass's ``__init__``, so a subclass with its own signature unpickles too.
    """

    def __init__(self, message: str = "", /, **fields):
        self.msgid = str(message)
        self.fields = fields
        super().__init__(self.msgid.format(**{k: str(v) for k, v in fields.items()}) if fields else self.msgid)

    def __reduce__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in ("msgid", "fields")}  # a subclass's attributes
        try:
            fields = {
                k: _Written(str(v), {lang: localise(v, lang) for lang in LANGUAGES}) for k, v in self.fields.items()
            }
        except Exception:  # noqa: BLE001 - a field that cannot be written: keep the English line
            return _rebuild, (type(self), str(self), {}, str(self)), state or None
        return _rebuild, (type(self), self.msgid, fields, str(self)), state or None

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` ("id" or "en")."""
        if not self.fields:
            return gettext(lang)(self.msgid) if self.msgid else str(self)
        return gettext(lang)(self.msgid).format(**{k: localise(v, lang) for k, v in self.fields.items()})


class _Written:
    """A field of an unpickled error: the text each language gave it before crossing processes."""

    def __init__(self, english: str, by_language: dict[str, str]):
        self.english = english
        self.by_language = by_language

    def __str__(self) -> str:
        return self.english

    def in_language(self, lang: str) -> str:
        """The field as written for a reader of ``lang``."""
        return self.by_language.get(check_language(lang), self.english)


def _rebuild(cls: type, msgid: str, fields: dict, english: str) -> TranslatableError:
    """An unpickled :class:`TranslatableError` (any subclass, whatever its ``__init__``): same line, same msgid."""
    base = cls
    while base.__module__ != "builtins":  # the built-in exception whose layout it has (OSError's, not ValueError's)
        base = base.__base__
    e = base.__new__(cls, english)
    TranslatableError.__init__(e, msgid, **fields)
    return e


def error_text(e: BaseException, lang: str) -> str:
    """The message of ``e`` for a reader of ``lang``: translated when ``e`` can be (``in_language``), else ``str(e)``.

    For the command line's and the dashboard's error lines (``ParameterError``, ``NumberError``, ...).
    """
    return localise(e, lang)
