"""The ``ibusim`` command line, in Bahasa Indonesia or English.

    ibusim [--lang id|en] [--version]
    ibusim run    [--scenario ipm|ibusibuk|baseline|FILE] [--seed N] [--set name=value ...] [--out DIR]
    ibusim params [--scenario ...] [--markdown | --json] [--search WORD] [--no-help]
    ibusim sweep  SPEC.toml [--out DIR] [--executor sequential|processes|dask] [--workers N] [--scheduler ADDR]
                  [--posterior FOLDER --draws N]
    ibusim sensitivity SPEC.toml [--out DIR] [...]   (design sobol or morris)
    ibusim compare LABEL=SCENARIO[:name=value,...] ... [--replications N] [--seed N] [--out DIR]
                   [--posterior FOLDER --draws N]
    ibusim forecast [LABEL=SCENARIO[:name=value,...] ...] [--posterior FOLDER | --no-posterior] [--draws N]
                   [--until YEAR] [--seed N] [--out DIR]
    ibusim calibrate [--scenario ipm] [--params ...] [--targets ...] [--hold-out ...] [--out DIR]
    ibusim dashboard [--host 127.0.0.1] [--port 8765]
    ibusim report [--out FILE] [--set name=value ...]   (the results page, in the chosen language)

Language: ``--lang id`` or ``--lang en`` (before or after the command's name), else ``IBUSIM_LANG``,
else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English
(:func:`ibusim.i18n.choose_language`). Messages, help, table headers and the numbers shown follow it
(``Rp 1.500.000`` and ``91%`` in Indonesian); the messages are in the catalogue
(``ibusim/locale/id/LC_MESSAGES/ibusim.po``). Errors raised by the model (``ParameterError``) carry their
English msgid and fields and are shown in the chosen language too (:func:`ibusim.i18n.error_text`); errors
of other parts that do not are shown as written (English), after the translated ``ibusim: error:``.

``ibusim run --scenario FILE.toml`` takes the file's ``[run] seed`` (scenario files saved by the dashboard
carry one) unless ``--seed`` is given; without either the seed is 1. The run folder's manifest records it.

Numbers typed with ``--set name=value``: when a language was chosen (``--lang``, ``IBUSIM_LANG``, or a
locale naming Indonesian or English), they are read as a reader of that language writes them
(:func:`ibusim.model.parameters.parse_value` with the language): with ``--lang id``,
``comeback_journey_price=500.000`` is 500000 and ``interest_rate=0,05`` is 0.05; in English ``500.000``
is refused as ambiguous (500 or 500000?). With no language chosen anywhere (e.g. ``LANG=C``), they are
read strictly, as a scenario file writes them: ASCII digits, a decimal point, at most one underscore
between digits; ``500.000``, ``0,05`` and non-ASCII digits are refused, saying how to write them.
The numeric options (``--seed``, ``--replications``, ``--run-time-limit``, ...) follow the same rule
(``--seed 1.000`` is 1000 with ``--lang id``). Nothing is ever misread. Scenario and spec TOML files are
read the same way whatever the language.

Bad input (unknown scenario, unknown or out-of-range parameter, malformed ``--set``, unwritable
output, an unknown ``--lang`` or ``IBUSIM_LANG``) exits with status 2 and one line on stderr. A model
too large for the machine's available memory (model/resources.py) and a design of more than 100,000
runs (experiments/spec.py) are refused before anything is allocated. ``ibusim params --search WORD``
that matches no parameter says so in one line on stderr and exits with status 1 (nothing found is
not bad input). tests/test_bad_input.py checks all this with generated input.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from ibusim.i18n import LANGUAGES, N_, POSIX_ENV, choose_language, error_text, gettext, normalise


def one_line(message: str, limit: int = 400) -> str:
    """A message made safe for one line of stderr: line breaks escaped, very long text cut."""
    text = "\\n".join(str(message).splitlines())  # every line break (\n, \r, \x85, \u2028, ...) escaped
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def error_line(message: str | BaseException, lang: str = "en") -> str:
    """The one line of an error, ``ibusim: error: ...`` in ``lang``.

    An error that keeps its msgid (``ParameterError``, ``NumberError``: :func:`ibusim.i18n.error_text`) is
    shown in ``lang``, numbers as its reader writes them; any other message as it is written.
    """
    _ = gettext(lang)
    return _("ibusim: error: {message}").format(message=one_line(error_text(message, lang)))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (in its language) with status 2."""

    def __init__(self, *args, lang: str = "en", **kwargs):
        self.lang = lang
        super().__init__(*args, **kwargs)

    def error(self, message):  # one line, status 2
        self.exit(2, error_line(message, self.lang) + "\n")


# argparse's own words (help headings, its errors), as Python 3.12 writes them: translated by swapping
# argparse's gettext while the parser is built and used (see _argparse_in)
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"),
)


@contextlib.contextmanager
def _argparse_in(lang: str):
    """The messages of argparse itself in ``lang`` inside the block (argparse reads its module-level ``_``)."""
    old = argparse._
    argparse._ = gettext(lang)
    try:
        yield
    finally:
        argparse._ = old


def _locale_names_language(environ) -> bool:
    """Whether the POSIX locale variables name a language ibusim speaks, not leaving English as the fallback.

    They are read in gettext's order, as :func:`ibusim.i18n.choose_language` reads them.
    """
    for var in POSIX_ENV:
        value = environ.get(var, "").strip()
        if not value:
            continue
        parts = value.split(":") if var == "LANGUAGE" else [value]
        if any(normalise(part) for part in parts):
            return True
        if var != "LANGUAGE":
            return False
    return False


def language(argv: list[str], environ=None) -> tuple[str, bool]:
    """The language of a command line ``argv`` and whether it was chosen (not only the fallback).

    ``--lang`` may come anywhere before ``--``; else ``IBUSIM_LANG``, else the locale, else English
    (:func:`ibusim.i18n.choose_language`). An unknown ``--lang`` or ``IBUSIM_LANG`` is a ValueError
    (one line); ``--lang`` without a value exits with status 2 (one line), like any option.
    """
    env = os.environ if environ is None else environ
    pre = _Parser(prog="ibusim", add_help=False)
    pre.add_argument("--lang", default=None)
    before = argv[: argv.index("--")] if "--" in argv else argv
    ns, _rest = pre.parse_known_args(before)
    if ns.lang is not None and not ns.lang.strip():
        raise ValueError(f"--lang {ns.lang!r}: choose one of {', '.join(LANGUAGES)}")
    try:
        lang = choose_language(ns.lang, env)
    except ValueError as e:
        raise ValueError(f"--lang: {e}" if ns.lang is not None else str(e)) from None
    chosen = ns.lang is not None or bool(env.get("IBUSIM_LANG", "").strip()) or _locale_names_language(env)
    return lang, chosen


SEED_MAX = 2**63 - 1
SEED_WHAT = N_("seed must be an integer in [0, 2**63 - 1]")
POSITIVE_WHAT = N_("expected a positive integer (at most 1,000,000)")
WORKERS_WHAT = N_("workers must be an integer in 1-1024")
REPLICATIONS_WHAT = N_("--replications must be an integer in 1-10,000")
PORT_WHAT = N_("port must be an integer in 1-65535")
UNTIL_WHAT = N_("--until must be a year in 2000-2100")
CANDIDATES_WHAT = N_("--candidates must be an integer in 1-10,000")
BEST_WHAT = N_("--best must be an integer in 1-100")


def _int_in(minimum: int, maximum: int, what: str, lang: str = "en", numbers: str | None = None):
    """An argparse type: an integer in [minimum, maximum] (one-line error otherwise).

    ``what`` is an English message (marked with ``N_``), shown in ``lang``. ``numbers`` None: ASCII digits
    only; "id" or "en": as a reader of that language writes a count (``1.000`` in Indonesian).
    """
    _ = gettext(lang)

    def parse(text: str) -> int:
        from ibusim.model.parameters import number_problem, show

        problem = _problem(text, numbers, "count") if numbers else number_problem(text.strip(), True)
        if problem:
            raise argparse.ArgumentTypeError(
                _("{what}, got {value} ({problem})").format(what=_(what), value=show(text), problem=problem)
            )
        value = _read(text, numbers, "count")
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(_("{what}, got {value}").format(what=_(what), value=show(value)))
        return value

    return parse


def _problem(text: str, numbers: str, kind: str) -> str | None:
    """Why ``text`` is not a number as a reader of ``numbers`` writes one (in that language), or None."""
    from ibusim.numbers import NumberError, parse_number

    try:
        parse_number(text, numbers, kind, integer=kind == "count")
    except NumberError as e:
        return str(e)
    return None


def _read(text: str, numbers: str | None, kind: str) -> int | float:
    """``text`` (already checked) as a number: strictly (``numbers`` None) or as ``numbers``' readers write it."""
    if numbers is None:
        return int(text.strip()) if kind == "count" else float(text.strip())
    from ibusim.numbers import parse_number

    return parse_number(text, numbers, kind, integer=kind == "count")


def _non_negative_in(lang: str = "en", numbers: str | None = None):
    """An argparse type: a finite number >= 0 (``numbers``: as in :func:`_int_in`)."""
    _ = gettext(lang)

    def parse(text: str) -> float:
        from ibusim.model.parameters import number_problem, show

        problem = _problem(text, numbers, "rate") if numbers else number_problem(text.strip(), False)
        if problem:
            raise argparse.ArgumentTypeError(
                _("expected a finite number >= 0, got {value} ({problem})").format(value=show(text), problem=problem)
            )
        value = _read(text, numbers, "rate")
        if not 0 <= value < float("inf"):
            raise argparse.ArgumentTypeError(_("expected a finite number >= 0, got {value}").format(value=show(text)))
        return value

    return parse


def _path_in(lang: str = "en"):
    """An argparse type: a file or folder path (a NUL character cannot be in one)."""

    def parse(text: str) -> Path:
        if "\0" in text or not text.strip():
            _ = gettext(lang)
            raise argparse.ArgumentTypeError(_("not a usable path: {path}").format(path=repr(text)))
        return Path(text)

    return parse


_seed = _int_in(0, SEED_MAX, SEED_WHAT)
_positive = _int_in(1, 10**6, POSITIVE_WHAT)
_workers = _int_in(1, 1024, WORKERS_WHAT)
_non_negative = _non_negative_in()
_path = _path_in()


def _parse_sets(items: list[str], lang: str | None = None, option: str = "--set") -> dict:
    """``--set name=value`` items (or another ``option``'s, e.g. ``--compare-set``) -> validated changes.

    Spaces around the name and the value are ignored (``"survey_response_base = 0.0"`` reads as
    written in a scenario file); a name set twice is refused rather than the last one winning silently.
    ``lang`` None: numbers read strictly (as in a scenario file); "id" or "en": as a reader of that
    language writes them (``500.000`` is 500000 in Indonesian, ambiguous and refused in English).
    """
    from ibusim.model.parameters import ParameterError, parse_value, show

    _ = gettext(lang or "en")
    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(_("{option} expects name=value, got {item}").format(option=option, item=show(item)))
        if name in changes:
            raise ParameterError(_("{option} {name} is given twice").format(option=option, name=name))
        changes[name] = parse_value(name, value) if lang is None else parse_value(name, value, lang)
    return changes


def _shown(value, unit: str, lang: str) -> str:
    """``value`` in the number format of ``unit`` (model/outputs.py), as a reader of ``lang`` reads numbers.

    :func:`ibusim.numbers.format_output`: English is :func:`ibusim.model.outputs.fmt` itself; Indonesian
    writes the same formats with :func:`ibusim.numbers.format_number` (``Rp 1.500.000``, ``91%``, ``0,173``).
    """
    from ibusim.numbers import format_output

    return format_output(value, unit, lang)


def _count(n, lang: str) -> str:
    """A whole number with thousands separators as ``lang`` writes them (3,000 / 3.000)."""
    from ibusim.numbers import format_number

    return format_number(int(n), lang, "count")


def _aligned(rows: list[tuple[str, ...]], left: int = 1) -> list[str]:
    """Rows of cells as aligned text: the first ``left`` columns to the left, the others to the right."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
        for r in rows
    ]


def targets_table(summary: dict, lang: str = "en") -> str:
    """The simulated-vs-observed table of a run (:func:`ibusim.model.targets.compare`), in ``lang``.

    In English it is the text of :func:`ibusim.model.targets.table`; every column has a header.
    """
    from ibusim.model.targets import compare, load

    _ = gettext(lang)
    units = {t.name: t.unit for t in load().values()}
    rows = compare(summary)
    head = (_("figure"), _("observed"), _("band"), _("simulated"), _("inside"))
    body = [
        (
            _(r["label"]),
            _shown(r["observed"], units[r["target"]], lang),
            f"{_shown(r['low'], units[r['target']], lang)}-{_shown(r['high'], units[r['target']], lang)}",
            _shown(r["simulated"], units[r["target"]], lang),
            _("ok") if r["inside"] else _("OUT"),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    lines = _aligned([head, tuple("-" * w for w in widths), *body])
    n_in = sum(r["inside"] for r in rows)
    lines.append(_("{n} of {total} figures inside their band").format(n=n_in, total=len(rows)))
    return "\n".join(lines)


def cmd_run(args) -> int:
    """``ibusim run``: one run, its table against the observed figures, its run folder.

    The seed: ``--seed`` when given, else the scenario file's ``[run] seed`` (files saved by the dashboard
    carry one), else 1; the run folder's manifest records the seed used.
    """
    from ibusim.experiments.run import run_to_folder

    _ = gettext(args.lang)
    seed = run_seed(args.scenario, args.seed)
    changes = _parse_sets(args.set, args.number_lang)
    model, out = run_to_folder(args.scenario, seed, changes, args.out)
    print(
        _("ibusim run: scenario {scenario}, seed {seed}, {weeks} weeks ({start} to {end}), {n} mothers").format(
            scenario=args.scenario,
            seed=seed,
            weeks=model.week,
            start=model.p["start"],
            end=model.p["end"],
            n=_count(model.n, args.lang),
        )
    )
    s = model.summary()
    if args.scenario != "ipm":
        print(_("(the observed figures are Ibu Punya Mimpi's; other scenarios are shown against them for reference)"))
    print(targets_table(s, args.lang))
    print(other_figures(model, s, args.lang))
    print(_("run folder: {path}").format(path=out))
    return 0


DEFAULT_SEED = 1


def run_seed(scenario: str, seed: int | None) -> int:
    """The seed of ``ibusim run``: an explicit ``--seed`` wins, else the scenario's ``[run] seed``, else 1."""
    if seed is not None:
        return seed
    from ibusim.model.scenarios import run_settings

    return run_settings(scenario).get("seed", DEFAULT_SEED)


def other_figures(model, s: dict, lang: str = "en") -> str:
    """End-of-run figures that are not observed targets: roles, momfluencers, communication.

    Each number is shown in its output's format (model/outputs.py), as a reader of ``lang`` reads it.
    """
    from ibusim.model.outputs import unit

    _ = gettext(lang)

    def v(name: str) -> str:
        return _shown(s[name], unit(name), lang)

    lines = [
        _("other figures (not targets):"),
        "  "
        + _(
            "team: {founders} founders + {managers} managers ({promotions} promotions), {volunteers} volunteers = "
            "{volunteer_share} of registered; capacity {capacity}x the founders'"
        ).format(
            founders=len(model.admins),
            managers=v("managers"),
            promotions=v("promotions"),
            volunteers=v("volunteers"),
            volunteer_share=v("volunteer_share"),
            capacity=v("team_capacity"),
        ),
        "  "
        + _(
            "momfluencers: {active} active of {trained} trained; {campaigns} campaigns, {posts} paid posts, "
            "{income} in all, {per_month} per trained momfluencer per month"
        ).format(
            active=v("momfluencers"),
            trained=v("creators"),
            campaigns=v("campaigns"),
            posts=v("paid_posts"),
            income=v("total_income"),
            per_month=v("income_per_creator_month"),
        ),
        "  "
        + _("work (Jika Ibu Menjadi tracks): {earners} earners, median {p50}, 90th percentile {p90}").format(
            earners=v("earners"), p50=v("earner_income_p50"), p90=v("earner_income_p90")
        ),
        "  "
        + _(
            "classes: {repeat} repeat enrolments; {waitlisted} put on a waiting list, {turned_away} turned away by "
            "full cohorts; {alumni} alumni-event attendances"
        ).format(
            repeat=v("repeat_enrolled"),
            waitlisted=v("waitlisted"),
            turned_away=v("turned_away"),
            alumni=v("alumni_attendees"),
        ),
        "  "
        + _(
            "communication ({channels}, last {weeks} weeks): {pattern}, degree centralisation {centralisation}, "
            "density {density}"
        ).format(
            channels=model.p["pattern_channels"],
            weeks=model.p["window_weeks"],
            pattern=model.communication_pattern,
            centralisation=v("comm_centralisation"),
            density=v("comm_density"),
        ),
        "  "
        + _(
            "exchanges: {ties} community ties ({share} of registered have one), {opportunities} opportunities "
            "passed along them"
        ).format(ties=v("community_ties"), share=v("share_with_ties"), opportunities=v("opportunities_received")),
    ]
    return "\n".join(lines)


def _value_text(p, value, lang: str) -> str:
    """A parameter's value as a reader of ``lang`` would type it back (``--set``): English as Python writes it."""
    if lang == "en" or p.type not in ("int", "float") or isinstance(value, bool):
        return str(value)
    from ibusim.numbers import format_number, kind_for

    return format_number(value if isinstance(value, int) else float(value), lang, kind_for(p.unit, p.type), exact=True)


def matches(p, word: str, lang: str = "en") -> bool:
    """Whether parameter ``p``'s name, label or help in ``lang`` contains ``word`` (case-insensitive)."""
    from ibusim.model.parameters import text

    word = word.strip().casefold()
    return any(word in f.casefold() for f in (p.name, text(p, "label", lang), text(p, "help", lang)))


def help_width() -> int:
    """The width to wrap help text to: the terminal's (``COLUMNS`` if set), 100 when not a terminal, at least 40."""
    import shutil

    return max(40, shutil.get_terminal_size((100, 24)).columns)


def cmd_params(args) -> int:
    """``ibusim params``: the declared parameters (label, value, unit, allowed, help), optionally searched.

    ``--search WORD`` keeps the parameters whose name, label or help in the chosen language mention
    WORD; none: one line on stderr and status 1.
    """
    import json
    import textwrap

    from ibusim.model.parameters import (
        PARAMS,
        ParameterError,
        group_title,
        markdown_table,
        provenance_word,
        text,
        to_dict,
    )
    from ibusim.model.scenarios import load, overrides

    _ = gettext(args.lang)
    values = load(args.scenario)
    if args.markdown:
        print(markdown_table(values, args.lang))
        return 0
    changed = overrides(args.scenario)
    chosen = list(PARAMS.values())
    if args.search is not None:
        if not args.search.strip():
            raise ParameterError(_("--search needs a word, e.g. --search telegram"))
        chosen = [p for p in chosen if matches(p, args.search, args.lang)]
        if not chosen:
            print(
                f"ibusim: {one_line(_('no parameter matches {word}').format(word=repr(args.search)))}", file=sys.stderr
            )
            return 1
    if args.json:
        rows = [
            {**to_dict(p, values[p.name]), "label": text(p, "label", args.lang), "set_by_scenario": p.name in changed}
            for p in chosen
        ]
        print(json.dumps({"scenario": str(args.scenario), "parameters": rows}, indent=2, ensure_ascii=False))
        return 0
    rows = [
        (
            group_title(p.group, args.lang),
            p.name,
            text(p, "label", args.lang),
            _value_text(p, values[p.name], args.lang) + (" *" if p.name in changed else ""),
            text(p, "unit", args.lang),
            text(p, "allowed", args.lang),
            provenance_word(p.provenance, args.lang),
        )
        for p in chosen
    ]
    head = (_("group"), _("name"), _("label"), _("value"), _("unit"), _("allowed"), _("provenance"))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = _aligned([head, tuple("-" * w for w in widths), *rows], left=len(head))
    width = help_width()
    print(lines[0])
    print(lines[1])
    for line, p in zip(lines[2:], chosen):
        print(line)
        help_text = text(p, "help", args.lang)
        if args.help_text and help_text:
            print(textwrap.fill(help_text, width=width, initial_indent=" " * 6, subsequent_indent=" " * 6))
    if args.search is not None:
        footer = _(
            "{n} parameters matching {word}; * = set by scenario '{scenario}' (differences from the baseline); "
            "--json for every field"
        )
    else:
        footer = _(
            "{n} parameters; * = set by scenario '{scenario}' (differences from the baseline); --json for every field"
        )
    print("\n" + footer.format(n=len(rows), word=repr(args.search), scenario=args.scenario))
    return 0


def _sweep_options(args) -> dict:
    """The executor, progress and per-run limit options of ``ibusim sweep`` and ``ibusim sensitivity``."""
    return dict(
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=not args.quiet,
        run_time_limit_s=args.run_time_limit,
        run_memory_limit_mb=args.run_memory_limit,
    )


def cmd_sweep(args) -> int:
    """``ibusim sweep``: run a spec into its folder; it ends with a table of targets inside per design point."""
    from ibusim.experiments.spec import load_spec
    from ibusim.experiments.sweep import load_failures, load_results, run_sweep
    from ibusim.model.parameters import ParameterError

    _ = gettext(args.lang)
    spec = load_spec(args.spec)
    if args.posterior is not None:
        from ibusim.experiments.spec import with_posterior

        spec = with_posterior(spec, args.posterior, args.draws)
    elif args.draws is not None:
        raise ParameterError(_("--draws needs --posterior FOLDER (or a [posterior] table in the spec)"))
    out = args.out or Path("results") / f"sweep-{spec.name}"
    res = run_sweep(spec, out, **_sweep_options(args))
    print(
        _(
            "ibusim sweep: {name} ({design}), {total} runs: {done} done ({skipped} already done before), "
            "{failed} failed this time; {seconds} s"
        ).format(
            name=spec.name,
            design=spec.design,
            total=res.total,
            done=res.done,
            skipped=res.skipped,
            failed=res.failed,
            seconds=f"{res.seconds:.1f}" if args.lang == "en" else f"{res.seconds:.1f}".replace(".", ","),
        )
    )
    results = load_results(res.folder)
    if spec.posterior is not None:
        from ibusim.experiments.sweep import format_paired, paired_differences

        print(
            _(
                "over {draws} posterior draws x {replications} seed(s) ({posterior}), the same at every point: "
                "paired difference from point 0, median [5%, 95%]"
            ).format(draws=spec.draws, replications=spec.replications, posterior=spec.posterior)
        )
        print(format_paired(paired_differences(results, list(spec.outcomes))))
    print(_("results: {folder}/runs (load with experiments.sweep.load_results)").format(folder=res.folder))
    if spec.timeseries:
        print(
            _(
                "series: {folder}/timeseries, one partition per point (load with experiments.sweep.load_timeseries)"
            ).format(folder=res.folder)
        )
    if res.failed:
        fails = load_failures(res.folder)
        for _i, row in fails.head(5).iterrows():
            print(
                "  "
                + _("failed: point {point} replication {replication} seed {seed}: {reason}").format(
                    point=row["point"], replication=row["replication"], seed=row["seed"], reason=row["reason"]
                )
            )
        print(
            _("{n} run(s) failed; reasons and tracebacks in {folder}/failures; rerun to retry them").format(
                n=len(fails), folder=res.folder
            )
        )
    print(targets_inside(spec, results, args.lang))
    return 1 if res.failed else 0


def targets_inside(spec, results, lang: str = "en", max_points: int = 30) -> str:
    """The table a sweep ends with: per design point, the share of its runs with each observed figure inside.

    One row per design point: its factor values, its runs, the share of them with each observed figure in
    its band, the share with every one inside ("all"), and "targets inside", the number of figures inside
    their band in at least half of the point's runs (of those shown).

    Only the spec's outcomes that are observed targets can be shown (a sweep keeps only its outcomes); a
    line says so when there are none, or when no run finished.
    """
    from ibusim.model.targets import load as load_targets
    from ibusim.numbers import format_number

    _ = gettext(lang)
    targets = [t for t in load_targets().values() if t.summary in spec.outcomes]
    if results.empty:
        return _("no finished run: no table of targets inside")
    if not targets:
        return _("none of the spec's outcomes is an observed figure: no table of targets inside")
    factors = [f.name for f in spec.factors]

    def share(x: float) -> str:
        return f"{x:.0%}" if lang == "en" else format_number(float(x), lang, "share", decimals=0)

    head = [_("point"), *factors, _("runs"), *(t.name for t in targets), _("all"), _("targets inside")]
    rows = []
    for point, g in results.groupby("point", sort=True):
        inside = {t.name: g[t.summary].map(t.inside).astype(bool) for t in targets}
        every = _all(inside.values())
        most = sum(inside[t.name].mean() >= 0.5 for t in targets)
        rows.append(
            [
                str(point),
                *(_cell(g[f].iloc[0], lang) for f in factors),
                str(len(g)),
                *(share(inside[t.name].mean()) for t in targets),
                share(every.mean()),
                f"{most}/{len(targets)}",
            ]
        )
    more = len(rows) - max_points
    rows = rows[:max_points]
    w = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [_("share of runs inside the observed band, per design point:")]
    lines += ["  ".join(c.rjust(x) for c, x in zip(r, w)) for r in [head, *rows]]
    if more > 0:
        lines.append(_("... and {n} more points (all in the results)").format(n=more))
    lines.append(
        _(
            "all: runs with every figure shown inside its band; targets inside: figures inside their band in at "
            "least half of the point's runs"
        )
    )
    return "\n".join(lines)


def _all(columns):
    """Element-wise AND of boolean Series."""
    out = None
    for c in columns:
        out = c if out is None else out & c
    return out


def _cell(x, lang: str = "en") -> str:
    """A factor's value in a table cell: 4 significant digits for a float, as ``lang`` writes numbers."""
    if isinstance(x, float):
        if lang == "en":
            return f"{x:.4g}"
        from ibusim.numbers import format_number

        return format_number(float(x), lang, "rate")
    return str(x)


def cmd_sensitivity(args) -> int:
    """``ibusim sensitivity``: the spec's sweep, then Sobol or Morris indices with a convergence check."""
    from ibusim.experiments import sensitivity
    from ibusim.experiments.spec import load_spec

    _ = gettext(args.lang)
    spec = load_spec(args.spec)
    out = args.out or Path("results") / f"sensitivity-{spec.name}"
    table, csv, png = sensitivity.run(spec, out, **_sweep_options(args))
    print(
        _(
            "ibusim sensitivity: {name} ({design}), {points} design points x {replications} replications (averaged)"
        ).format(name=spec.name, design=spec.design, points=len(spec.points()), replications=spec.replications)
    )
    print(sensitivity.table_text(table, spec.design, args.lang))
    worst = float(table["change_half_to_full"].max())
    verdict = _("converged") if worst < 0.1 else _("NOT converged: increase samples")
    print(
        _("convergence: largest change between half and all samples {change} ({verdict})").format(
            change=sensitivity.decimal(worst, args.lang), verdict=verdict
        )
    )
    if spec.design == "sobol" and table["negative_index"].any():
        print(_("warning: some indices are clearly negative: too few samples"))
    print(_("table: {csv}").format(csv=csv))
    print(_("plot: {png}").format(png=png))
    return 0


def cmd_compare(args) -> int:
    """``ibusim compare``: variants over common seeds, a table of means and bands, a folder."""
    from ibusim.experiments.compare import compare, parse_variant
    from ibusim.experiments.sweep import limits_for
    from ibusim.model.parameters import ParameterError

    _ = gettext(args.lang)
    variants = [parse_variant(v) for v in args.variants]  # plain numbers: the comma separates changes
    if args.posterior is None and args.draws is not None:
        raise ParameterError(_("--draws needs --posterior FOLDER"))
    draws = (args.draws or 40) if args.posterior is not None else None
    replications = args.replications or (1 if args.posterior is not None else 5)
    table, out = compare(
        variants,
        replications=replications,
        seed=args.seed,
        posterior=args.posterior,
        draws=draws,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        limits=limits_for(None, args.run_time_limit, args.run_memory_limit),
    )
    if args.posterior is None:
        print(
            _("ibusim compare: {n} variants x {replications} replications (same seeds in each)").format(
                n=len(variants), replications=replications
            )
        )
        print(_("mean [5%, 95%] over replications"))
    else:
        print(
            _(
                "ibusim compare: {n} variants x {draws} posterior draws x {replications} seed(s) ({posterior}; the "
                "same draws and seeds in each)"
            ).format(n=len(variants), draws=draws, replications=replications, posterior=args.posterior)
        )
        print(_("mean [5%, 95%] over posterior draws"))
    means, differences = compare_tables(table, args.lang)
    print(means)
    if differences:
        print(
            _("paired difference from '{label}', run by run: median [5%, 95%], share of runs lower").format(
                label=variants[0].label
            )
        )
        print(differences)
    print(_("folder: {folder} (compare.csv, compare.png, runs.parquet, series.parquet)").format(folder=out))
    return 0


def compare_tables(table, lang: str = "en") -> tuple[str, str]:
    """``ibusim compare``'s two tables from :func:`ibusim.experiments.compare.compare`'s ``table``, in ``lang``.

    The first: one row per outcome, one column per variant, mean [5%, 95%]; the second (empty text with one
    variant): the paired difference from the first variant, median [5%, 95%] and the share of runs lower.
    Every column has a header; numbers are in each outcome's format (model/outputs.py) as ``lang`` writes them.
    """
    from ibusim.model.outputs import unit

    _ = gettext(lang)
    variants = list(dict.fromkeys(table["variant"]))
    outcomes = list(dict.fromkeys(table["outcome"]))
    rows = {(r.variant, r.outcome): r for r in table.itertuples()}

    def v(o: str, x) -> str:
        return _shown(x, unit(o), lang)

    def signed(o: str, x) -> str:
        return ("-" if x < 0 else "+") + v(o, abs(x))

    def mean(o: str, r) -> str:
        return _("n/a") if r is None else f"{v(o, r.mean)} [{v(o, r.p5)}, {v(o, r.p95)}]"

    def difference(o: str, r) -> str:
        if r is None or r.diff_median != r.diff_median:  # NaN: no paired runs
            return _("n/a")
        return _("{median} [{low}, {high}], lower in {share}").format(
            median=signed(o, r.diff_median),
            low=signed(o, r.diff_p5),
            high=signed(o, r.diff_p95),
            share=_percent(r.share_lower, lang),
        )

    def text(cells_of, columns: list[str]) -> str:
        head = (_("outcome"), *columns)
        body = [(o, *(cells_of(o, rows.get((c, o))) for c in columns)) for o in outcomes]
        return "\n".join(_aligned([head, *body]))

    means = text(mean, variants)
    differences = text(difference, variants[1:]) if len(variants) > 1 else ""
    return means, differences


def cmd_forecast(args) -> int:
    """``ibusim forecast``: variants over posterior draws to December of ``--until``; tables, fan chart, folder."""
    from ibusim.experiments.compare import parse_variant
    from ibusim.experiments.forecast import forecast, markdown
    from ibusim.experiments.sweep import limits_for
    from ibusim.model.parameters import ParameterError

    _ = gettext(args.lang)
    variants = [parse_variant(v) for v in (args.variants or ["ipm=ipm"])]
    if args.no_posterior and args.posterior is not None:
        raise ParameterError(_("give --posterior FOLDER or --no-posterior, not both"))
    posterior = None
    if not args.no_posterior:
        posterior = args.posterior or Path("results") / f"calibration-{Path(variants[0].scenario).stem}"
        if args.posterior is None and not Path(posterior).is_dir():
            raise ParameterError(
                _(
                    "no calibration folder '{folder}': give --posterior FOLDER (ibusim calibrate writes one), or "
                    "--no-posterior for the scenario's own values"
                ).format(folder=posterior)
            )
    res = forecast(
        variants,
        posterior,
        draws=args.draws,
        seed=args.seed,
        until=args.until,
        seeds_per_draw=args.seeds_per_draw,
        out=args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        limits=limits_for(None, args.run_time_limit, args.run_memory_limit),
    )
    print(
        _(
            "ibusim forecast: {n} variant(s) x {draws} draws x {seeds} seed(s) to December {until}; {seconds} s of runs"
        ).format(
            n=len(variants),
            draws=args.draws,
            seeds=args.seeds_per_draw,
            until=args.until,
            seconds=f"{res.info['run_seconds_total']:.0f}",
        )
    )
    print(markdown(res, max_counterfactuals=len(variants) - 1, lang=args.lang))
    print(
        _("folder: {folder} (forecast.csv, forecast.md, forecast.png, runs.csv, draws.csv, manifest.json)").format(
            folder=res.folder
        )
    )
    return 0


def _names(text: str | None, option: str = "--params", lang: str = "en") -> list[str] | None:
    """A comma-separated list of names (None: the option was not given); an empty or malformed list is an error."""
    from ibusim.model.parameters import ParameterError

    _ = gettext(lang)
    if text is None:
        return None
    names = [t.strip() for t in text.split(",")]
    if not text.strip() or not all(names):
        raise ParameterError(
            _("{option} {text}: give comma-separated names, e.g. interest_rate,dropout_rate").format(
                option=option, text=repr(text)
            )
        )
    return names


def cmd_calibrate(args) -> int:
    """``ibusim calibrate``: ABC-SMC (resumable), the posterior and the posterior-predictive check."""
    import logging

    from ibusim.experiments import calibrate

    _ = gettext(args.lang)
    if args.size:
        from ibusim.experiments import calibration_pipeline

        out = args.out or Path("results") / f"calibration-{Path(args.scenario).stem}"
        rec = calibration_pipeline.run_pipeline(
            out,
            calibration_pipeline.SIZES[args.size],
            scenario=args.scenario,
            workers=args.workers,
            progress=not args.quiet,
        )
        minutes = rec["total"]["wall_seconds"] / 60
        print(
            _("ibusim calibrate --size {size}: {runs} runs in {minutes} min; folder {folder}").format(
                size=args.size, runs=_count(rec["total"]["runs"], args.lang), minutes=f"{minutes:.1f}", folder=out
            )
        )
        return 0
    cs = calibrate.setup(
        args.scenario,
        params=_names(args.params, "--params", args.lang),
        targets=_names(args.targets, "--targets", args.lang),
        hold_out=_names(args.hold_out, "--hold-out", args.lang),
        fixed=_parse_sets(args.set, args.number_lang),
    )
    out = args.out or Path("results") / f"calibration-{Path(args.scenario).stem}"
    if args.quiet:
        logging.getLogger("ABC").setLevel(logging.WARNING)
    rep = calibrate.run(
        cs,
        out,
        population=args.population,
        generations=args.generations,
        min_epsilon=args.min_epsilon,
        workers=args.workers,
        seed=args.seed,
        ppc_runs=args.ppc_runs,
        transition=args.transition,
        max_simulations=args.max_simulations,
        kernel_scaling=args.kernel_scaling,
        progress=not args.quiet,
    )
    fitted = _("ibusim calibrate: {n} parameters, fitted to {targets}").format(
        n=len(cs.params), targets=", ".join(cs.fit)
    )
    if cs.held_out:
        fitted += _("; held out: {targets}").format(targets=", ".join(cs.held_out))
    print(fitted)
    print(
        _("{generations} generations, {simulations} simulations, final epsilon {epsilon}").format(
            generations=rep["generations"], simulations=rep["simulations"], epsilon=f"{rep['final_epsilon']:.3f}"
        )
    )
    print(_("posterior (median [5%, 95%]):"))
    head = (_("parameter"), _("median [5%, 95%]"), _("prior"))
    g = _significant(args.lang)
    rows = [
        (r["parameter"], f"{g(r['median'])} [{g(r['p5'])}, {g(r['p95'])}]", str(r["prior"])) for r in rep["posterior"]
    ]
    print("\n".join("  " + line for line in _aligned([head, *rows], left=3)))
    print(_("convergence: {verdict}").format(verdict=rep["convergence"]))
    print(_("posterior-predictive check ({n} runs): share inside the band").format(n=args.ppc_runs))
    head = (_("target"), _("role"), _("share inside"))
    rows = [(r["target"], r.get("role") or "", _percent(r["share_inside"], args.lang)) for r in rep["ppc"]]
    print("\n".join("  " + line for line in _aligned([head, *rows], left=2)))
    print(
        _(
            "folder: {folder} (posterior.csv, posterior_summary.csv, posterior.png, ppc.csv, ppc_summary.csv, abc.db)"
        ).format(folder=out)
    )
    return 0


def _significant(lang: str):
    """A formatter of numbers to 5 significant digits (``0.00083792``; ``0,00083792`` in Indonesian)."""

    def g(x) -> str:
        text = f"{float(x):.5g}"
        return text if lang == "en" else text.replace(".", ",")

    return g


def _percent(x, lang: str) -> str:
    """A share as a whole percentage (``91%``), as ``lang`` writes it."""
    from ibusim.numbers import format_number

    return f"{float(x):.0%}" if lang == "en" else format_number(float(x), lang, "share", decimals=0)


def cmd_dashboard(args) -> int:
    """``ibusim dashboard``: serve the Solara dashboard."""
    from ibusim.dashboard.server import serve

    return serve(args.host, args.port)


def _limit_options(parser, lang: str = "en", numbers: str | None = None) -> None:
    """The per-run limit options of the commands that run many models (default: the spec's, else 600 s, 4096 MB)."""
    _ = gettext(lang)
    parser.add_argument(
        "--run-time-limit",
        type=_non_negative_in(lang, numbers),
        default=None,
        metavar=_("SECONDS"),
        help=_(
            "time limit per run (default: the spec's run_time_limit_s, else 600; 0: none); a run over it is "
            "recorded as failed and the others go on"
        ),
    )
    parser.add_argument(
        "--run-memory-limit",
        type=_non_negative_in(lang, numbers),
        default=None,
        metavar="MB",
        help=_("memory limit per run (default: the spec's run_memory_limit_mb, else 4096; 0: none)"),
    )


def _executor_options(parser, lang: str = "en", numbers: str | None = None) -> None:
    """``--executor``, ``--workers`` and ``--scheduler``."""
    _ = gettext(lang)
    parser.add_argument(
        "--executor",
        choices=("sequential", "processes", "dask"),
        default="processes",
        help=_("where runs execute (default: local processes)"),
    )
    parser.add_argument(
        "--workers",
        type=_int_in(1, 1024, WORKERS_WHAT, lang, numbers),
        default=None,
        help=_("worker processes (default: number of cores)"),
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help=_("address of an existing Dask scheduler (tcp://host:8786); implies --executor dask"),
    )


def _lang_option(parser, lang: str = "en", top: bool = False) -> None:
    """``--lang``, accepted before and after a command's name (read first by :func:`language`)."""
    _ = gettext(lang)
    parser.add_argument(
        "--lang",
        metavar="{id,en}",
        default="en" if top else argparse.SUPPRESS,
        help=_(
            "language of messages, help and numbers (id: Bahasa Indonesia, en: English; default: IBUSIM_LANG, "
            "else the locale, else English)"
        ),
    )


# ibusim optimise: its goals (experiments/optimise.py's GOALS, checked by tests/test_optimise.py) and default
# sizes, here so that building the parser does not import the model
OPTIMISE_GOALS = ("registered", "financial_change", "completion")
OPTIMISE_SIZES = {"draws": 10, "candidates": 16, "best": 3, "rounds": 2}
OPTIMISE_MAX_ROUNDS = 10
ROUNDS_WHAT = N_("--rounds must be an integer in 1-10")


def _optimise_folder(text: str | None, what: str) -> Path | None:
    """A folder path given on the command line (None: not given); a NUL or blank is refused in one line."""
    from ibusim.model.parameters import ParameterError

    if text is None:
        return None
    if "\0" in text or not text.strip():
        raise ParameterError(N_("{what}: not a usable path: {path}"), what=what, path=repr(text))
    return Path(text)


def _money(text: str, lang: str, what: str) -> float:
    """Rupiah typed as a reader of ``lang`` writes them; ParameterError (one line) otherwise."""
    from ibusim.model.parameters import ParameterError, show
    from ibusim.numbers import NumberError, parse_number

    try:
        return float(parse_number(text, lang, "money"))
    except NumberError as e:
        raise ParameterError(N_("{what} {value}: {problem}"), what=what, value=show(text), problem=e) from None


def cmd_optimise(args) -> int:
    """``ibusim optimise`` (experiments/optimise.py): search, print the proposals table, write the folder."""
    from ibusim.experiments import optimise as opt
    from ibusim.experiments.sweep import limits_for
    from ibusim.model.parameters import ParameterError, show
    from ibusim.numbers import NumberError, parse_number

    lang = args.lang
    _ = gettext(lang)
    if args.goal not in OPTIMISE_GOALS:
        raise ParameterError(
            _("--goal {goal!r}: choose one of {goals}").format(goal=args.goal, goals=", ".join(OPTIMISE_GOALS))
        )
    budget = _money(args.budget, lang, "--budget")
    threshold = None
    if args.threshold is not None:
        try:
            threshold = float(parse_number(args.threshold, lang, opt.GOALS[args.goal][1]))
        except NumberError as e:
            raise ParameterError(
                N_("{what} {value}: {problem}"), what="--threshold", value=show(args.threshold), problem=e
            ) from None
    costs = {}
    for item in args.cost:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(N_("--cost expects name=value, got {item}"), item=repr(item))
        costs[name.strip()] = _money(value, lang, f"--cost {name.strip()}")
    posterior: Path | None = _optimise_folder(args.posterior, "--posterior")
    if posterior is not None and str(posterior) == "none":
        posterior = None
    elif posterior is None:
        posterior = Path("results") / f"calibration-{Path(args.scenario).stem}"
        if not posterior.is_dir():
            raise ParameterError(
                N_(
                    "no calibration folder '{folder}': give --posterior FOLDER, or --posterior none for the "
                    "scenario's own values"
                ),
                folder=posterior,
            )
    res = opt.optimise(
        budget,
        goal=args.goal,
        threshold=threshold,
        scenario=args.scenario,
        posterior=posterior,
        seed=args.seed,
        changes=_parse_sets(args.set, args.number_lang),
        costs=costs,
        lang=lang,
        out=_optimise_folder(args.out, "--out"),
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        limits=limits_for(None, args.run_time_limit, args.run_memory_limit),
        progress_line=not args.quiet,
        draws=args.draws,
        candidates=args.candidates,
        best=args.best,
        rounds=args.rounds,
    )
    print(opt.markdown(res, lang))
    print(
        _("folder: {folder} (proposals.csv, proposals.md, candidates.csv, runs.csv, manifest.json)").format(
            folder=res.folder
        )
    )
    return 0


def cmd_share(args) -> int:
    """``ibusim share``: a design, or two compared, as report.html and report.pdf (experiments/share.py)."""
    from ibusim.experiments import share

    path = share.write_share(
        args.scenario,
        args.seed,
        args.lang,
        changes=_parse_sets(args.set, args.number_lang),
        b_changes=_parse_sets(args.compare_set, args.number_lang, "--compare-set"),
        replications=args.replications,
        out=args.out,
        pdf=not args.no_pdf,
    )
    _ = gettext(args.lang)
    from ibusim.numbers import format_number

    for f in sorted(path.iterdir()):
        size = format_number(-(-f.stat().st_size // 1024), args.lang, "count")
        print(_("{file}: {size} kB").format(file=f, size=size))
    return 0


def cmd_report(args) -> int:
    """``ibusim report``: the results page (results/README.md) in the chosen language, from the results folders.

    It reads the committed folders (the calibration, the forecast, the sensitivity sweeps) and runs only the
    ``ipm`` preset with seed 1 (and the validation modules' draws); ``python -m ibusim.experiments.report``
    also runs or resumes the calibration first. English writes results/README.md, another language
    ``results/README.<lang>.md`` (``--out`` for another file).
    """
    from ibusim.experiments import report

    _ = gettext(args.lang)
    readme = Path(args.out) if args.out else report.page_path(args.lang)
    changes = _parse_sets(args.set, args.number_lang)
    path = report.write(report.FOLDER, readme, changes, report.FORECAST, lang=args.lang)
    print(_("results page: {path}").format(path=path))
    return 0


def build_parser(lang: str = "en", numbers: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every subcommand, its help in ``lang`` (errors: one line, status 2).

    ``numbers``: how the numeric options are read, None strictly (ASCII digits), "id" or "en" as a
    reader of that language writes them (``--seed 1.000`` is 1000 in Indonesian).
    """
    from ibusim import __version__

    _ = gettext(lang)
    path = _path_in(lang)
    seed = _int_in(0, SEED_MAX, SEED_WHAT, lang, numbers)
    positive = _int_in(1, 10**6, POSITIVE_WHAT, lang, numbers)
    ap = _Parser(prog="ibusim", description=_("Simulate online empowerment communities for mothers."), lang=lang)
    ap.add_argument(
        "--version", action="version", version=f"ibusim {__version__}", help=_("print the installed version and exit")
    )
    _lang_option(ap, lang, top=True)
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser, title=_("commands"))
    r = sub.add_parser("run", help=_("run a scenario, print simulated vs observed, write a run folder"), lang=lang)
    r.add_argument("--scenario", default="ipm", help=_("ipm (default), ibusibuk, baseline, or a scenario .toml file"))
    r.add_argument(
        "--seed",
        type=seed,
        default=None,
        help=_("random seed (default: the scenario file's [run] seed, else 1)"),
    )
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar=_("NAME=VALUE"),
        help=_(
            "change one parameter (repeatable); see 'ibusim params'; with --lang, numbers as that language writes "
            "them (id: 500.000, 0,05)"
        ),
    )
    r.add_argument(
        "--out",
        type=path,
        default=None,
        help=_("run folder to create (default results/run-<scenario>-seed<N>-<time>); never overwritten"),
    )
    r.set_defaults(func=cmd_run)
    s = sub.add_parser(
        "sweep",
        help=_("run an experiment spec (TOML), then a table of targets inside per design point"),
        lang=lang,
    )
    s.add_argument("spec", type=path, help=_("experiment spec, e.g. experiments/free_class.toml"))
    s.add_argument(
        "--out",
        type=path,
        default=None,
        help=_("run folder (default results/sweep-<name>); rerunning on it skips finished runs"),
    )
    _executor_options(s, lang, numbers)
    s.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    s.add_argument(
        "--posterior",
        type=path,
        default=None,
        metavar=_("FOLDER"),
        help=_(
            "run every design point over the same posterior draws of this calibration folder (adds a [posterior] "
            "table to the spec kept in the run folder)"
        ),
    )
    s.add_argument("--draws", type=positive, default=None, help=_("posterior draws with --posterior (default 40)"))
    _limit_options(s, lang, numbers)
    s.set_defaults(func=cmd_sweep)
    se = sub.add_parser(
        "sensitivity", help=_("Sobol or Morris sensitivity indices (SALib) from an experiment spec"), lang=lang
    )
    se.add_argument("spec", type=path, help=_("experiment spec with design = 'sobol' or 'morris'"))
    se.add_argument("--out", type=path, default=None, help=_("folder (default results/sensitivity-<name>); resumable"))
    _executor_options(se, lang, numbers)
    se.add_argument("--quiet", action="store_true", help=_("no progress bar"))
    _limit_options(se, lang, numbers)
    se.set_defaults(func=cmd_sensitivity)
    co = sub.add_parser("compare", help=_("scenarios side by side over replications (table and PNG)"), lang=lang)
    co.add_argument(
        "variants",
        nargs="+",
        metavar="LABEL=SCENARIO[:name=value,...]",
        help=_('e.g. "with=ipm" "without=ipm:free_class=false" (numbers written plainly: the comma separates changes)'),
    )
    co.add_argument(
        "--replications",
        type=positive,
        default=None,
        help=_("runs per variant (default 5); with --posterior, seeds per posterior draw (default 1)"),
    )
    co.add_argument(
        "--posterior",
        type=path,
        default=None,
        metavar=_("FOLDER"),
        help=_("run every variant over the same posterior draws of this calibration folder (posterior.csv)"),
    )
    co.add_argument("--draws", type=positive, default=None, help=_("posterior draws with --posterior (default 40)"))
    co.add_argument("--seed", type=seed, default=1, help=_("master seed (default 1)"))
    co.add_argument("--out", type=path, default=None, help=_("folder to create (default results/compare-...)"))
    _executor_options(co, lang, numbers)
    _limit_options(co, lang, numbers)
    co.set_defaults(func=cmd_compare)
    fo = sub.add_parser(
        "forecast", help=_("forecast past the observed years over posterior draws (tables, fan chart)"), lang=lang
    )
    fo.add_argument(
        "variants",
        nargs="*",
        metavar="LABEL=SCENARIO[:name=value,...]",
        help=_('variants, the first the reference (default "ipm=ipm"), e.g. "ipm=ipm" "no-free=ipm:free_class=false"'),
    )
    fo.add_argument(
        "--posterior",
        type=path,
        default=None,
        metavar=_("FOLDER"),
        help=_("calibration folder with posterior.csv (default results/calibration-<first variant's scenario>)"),
    )
    fo.add_argument("--no-posterior", action="store_true", help=_("the scenario's own values, seed noise only"))
    fo.add_argument("--draws", type=positive, default=100, help=_("posterior draws (default 100)"))
    fo.add_argument("--seeds-per-draw", type=positive, default=1, help=_("model seeds per draw (default 1)"))
    fo.add_argument(
        "--until",
        type=_int_in(2000, 2100, UNTIL_WHAT, lang, numbers),
        default=2027,
        help=_("last year forecast, run to its December (default 2027)"),
    )
    fo.add_argument("--seed", type=seed, default=1, help=_("master seed of the draws and model seeds (default 1)"))
    fo.add_argument("--out", type=path, default=None, help=_("folder to create (default results/forecast-...)"))
    _executor_options(fo, lang, numbers)
    _limit_options(fo, lang, numbers)
    fo.set_defaults(func=cmd_forecast)
    ca = sub.add_parser(
        "calibrate",
        help=_("ABC-SMC (pyabc) against the observed figures, or the whole pipeline; resumable"),
        lang=lang,
    )
    ca.add_argument("--scenario", default="ipm", help=_("scenario to calibrate (default ipm)"))
    ca.add_argument("--params", default=None, help=_("comma-separated parameters (default: all with a prior)"))
    ca.add_argument("--targets", default=None, help=_("comma-separated targets to use (default: all)"))
    ca.add_argument("--hold-out", default=None, help=_("comma-separated targets to predict instead of fit"))
    ca.add_argument(
        "--set", action="append", default=[], metavar=_("NAME=VALUE"), help=_("fixed parameter change (repeatable)")
    )
    ca.add_argument("--population", type=positive, default=40, help=_("particles per generation (default 40)"))
    ca.add_argument("--generations", type=positive, default=5, help=_("generations (default 5)"))
    ca.add_argument(
        "--min-epsilon",
        type=_non_negative_in(lang, numbers),
        default=0.0,
        help=_("also stop below this distance (default 0: the stop rule)"),
    )
    ca.add_argument(
        "--max-simulations",
        type=positive,
        default=None,
        help=_("stop once this many simulations are done (default: no cap)"),
    )
    ca.add_argument(
        "--size",
        choices=("full", "reduced", "mini"),
        default=None,
        help=_("run the whole pipeline (noise, ABC-SMC, reference table, leave-one-out, recovery, identifiability)"),
    )
    ca.add_argument(
        "--workers",
        type=_int_in(1, 1024, WORKERS_WHAT, lang, numbers),
        default=None,
        help=_("processes (default: cores; 1 = reproducible)"),
    )
    ca.add_argument("--seed", type=seed, default=1, help=_("random seed (default 1)"))
    ca.add_argument(
        "--transition",
        choices=("multivariate", "local"),
        default="multivariate",
        help=_("proposal kernel: one Gaussian for the population (default) or local per particle"),
    )
    ca.add_argument(
        "--kernel-scaling",
        type=_non_negative_in(lang, numbers),
        default=1.0,
        help=_("the proposal kernel's covariance times this, 0.25-10 (default 1: pyabc's)"),
    )
    ca.add_argument("--ppc-runs", type=positive, default=40, help=_("posterior-predictive runs (default 40)"))
    ca.add_argument("--out", type=path, default=None, help=_("folder (default results/calibration-<scenario>)"))
    ca.add_argument("--quiet", action="store_true", help=_("less pyabc logging"))
    ca.set_defaults(func=cmd_calibrate)
    d = sub.add_parser(
        "dashboard",
        help=_("start the Solara dashboard in the browser (default http://127.0.0.1:8765)"),
        lang=lang,
    )
    d.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1: this machine only)"))
    d.add_argument(
        "--port", type=_int_in(1, 65535, PORT_WHAT, lang, numbers), default=8765, help=_("port (default 8765)")
    )
    d.set_defaults(func=cmd_dashboard)
    p = sub.add_parser("params", help=_("the parameters: label, value, unit, allowed values, help"), lang=lang)
    p.add_argument("--scenario", default="ipm", help=_("show the values of this scenario (default ipm)"))
    p.add_argument("--markdown", action="store_true", help=_("print as a Markdown table, in the chosen language"))
    p.add_argument(
        "--json",
        action="store_true",
        help=_(
            "machine-readable: name, label, type, default, value, unit, bounds or choices, constraints, "
            "provenance, source, help, prior"
        ),
    )
    p.add_argument(
        "--search",
        default=None,
        metavar=_("WORD"),
        help=_(
            "only parameters whose name, label or help (in the chosen language) mention WORD; none: a message "
            "and status 1"
        ),
    )
    p.add_argument("--no-help", dest="help_text", action="store_false", help=_("one line per parameter, no help text"))
    p.set_defaults(func=cmd_params)
    sh = sub.add_parser(
        "share",
        help=_("a report of a design, or of two compared, to share: report.html and report.pdf in the chosen language"),
        lang=lang,
    )
    sh.add_argument("--scenario", default="ipm", help=_("ipm (default), ibusibuk, baseline, or a scenario .toml file"))
    sh.add_argument(
        "--seed",
        type=seed,
        default=1,
        metavar="N",
        help=_("random seed; with --compare-set, the master seed (default 1)"),
    )
    sh.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=_("change one parameter (repeatable)")
    )
    sh.add_argument(
        "--compare-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("make a comparison: B is the design with this change as well (repeatable)"),
    )
    sh.add_argument(
        "--replications",
        type=_int_in(1, 10_000, REPLICATIONS_WHAT, lang, numbers),
        default=5,
        metavar="N",
        help=_("seeds per design in a comparison (default 5)"),
    )
    sh.add_argument(
        "--out",
        default=None,
        metavar="FOLDER",
        help=_("folder to create (default results/share-...); never overwritten"),
    )
    sh.add_argument("--no-pdf", action="store_true", help=_("write report.html only"))
    sh.set_defaults(func=cmd_share)
    rp = sub.add_parser(
        "report",
        help=_("write the results page (results/README.md) in the chosen language from the results folders"),
        lang=lang,
    )
    rp.add_argument(
        "--out",
        type=path,
        default=None,
        metavar="FILE",
        help=_("the page to write (default results/README.md in English, results/README.<lang>.md otherwise)"),
    )
    rp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("change a parameter of the page's ipm run (e.g. n_mothers=3000 for a quick look)"),
    )
    rp.set_defaults(func=cmd_report)
    o = sub.add_parser(
        "optimise",
        help=_("the best few programme designs a yearly budget pays for, over posterior draws"),
        lang=lang,
    )
    o.add_argument(
        "--budget",
        required=True,
        help=_("yearly budget in Rupiah, written as in --lang (e.g. 'Rp 500.000.000' with --lang id)"),
    )
    o.add_argument(
        "--goal",
        default="registered",
        help=_("goal figure: {goals} (default registered)").format(goals=", ".join(OPTIMISE_GOALS)),
    )
    o.add_argument(
        "--threshold",
        default=None,
        # TRANSLATORS: argparse help: a percent sign is written twice (%%)
        help=_(
            "the goal's value to reach, written as in --lang (default: the observed figure, e.g. 15,000 "
            "registered, 55%% financial change, 91%% completion)"
        ),
    )
    o.add_argument("--scenario", default="ipm", help=_("scenario (default ipm)"))
    o.add_argument(
        "--posterior",
        default=None,
        metavar="FOLDER|none",
        help=_(
            "calibration folder (default results/calibration-<scenario>); 'none': the scenario's values, --draws seeds"
        ),
    )
    o.add_argument(
        "--draws",
        type=positive,
        default=OPTIMISE_SIZES["draws"],
        help=_("runs per design (default {n})").format(n=OPTIMISE_SIZES["draws"]),
    )
    o.add_argument(
        "--candidates",
        type=_int_in(1, 10_000, CANDIDATES_WHAT, lang, numbers),
        default=OPTIMISE_SIZES["candidates"],
        help=_("designs drawn besides the scenario's own (default {n})").format(n=OPTIMISE_SIZES["candidates"]),
    )
    o.add_argument(
        "--best",
        type=_int_in(1, 100, BEST_WHAT, lang, numbers),
        default=OPTIMISE_SIZES["best"],
        help=_("proposals shown (default {n})").format(n=OPTIMISE_SIZES["best"]),
    )
    o.add_argument(
        "--rounds",
        type=_int_in(1, OPTIMISE_MAX_ROUNDS, ROUNDS_WHAT, lang, numbers),
        default=OPTIMISE_SIZES["rounds"],
        help=_(
            "search rounds: 1 runs the drawn designs only; each further round runs half as many new designs "
            "near the best so far (default {n})"
        ).format(n=OPTIMISE_SIZES["rounds"]),
    )
    o.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("change a model parameter in every design (e.g. n_mothers=30000 for a quick look)"),
    )
    o.add_argument(
        "--cost",
        action="append",
        default=[],
        metavar="NAME=RUPIAH",
        help=_("change a unit cost of model/costs.py (e.g. cost_volunteer_month=150000)"),
    )
    o.add_argument("--seed", type=seed, default=1, help=_("seed of the designs, draws and runs (default 1)"))
    o.add_argument("--out", default=None, metavar="FOLDER", help=_("folder to create (default results/optimise-...)"))
    _executor_options(o, lang, numbers)
    o.add_argument("--quiet", action="store_true", help=_("no progress line"))
    _limit_options(o, lang, numbers)
    o.set_defaults(func=cmd_optimise)
    for command in sub.choices.values():  # every command, also those added by other modules before this line
        _lang_option(command, lang)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv``; bad input gives one line on stderr and status 2, never a traceback."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    try:
        lang, chosen = language(argv)
    except ValueError as e:
        print(error_line(e), file=sys.stderr)
        return 2
    with _argparse_in(lang):
        args = build_parser(lang, lang if chosen else None).parse_args(argv)
    args.lang = lang
    args.number_lang = lang if chosen else None  # --set numbers: as the chosen language writes them
    from ibusim.experiments.run import OutputError
    from ibusim.experiments.spec import SpecError
    from ibusim.experiments.sweep import SweepError
    from ibusim.model.parameters import ParameterError

    if getattr(args, "scheduler", None) and args.executor != "dask":
        args.executor = "dask"  # a scheduler address means the Dask executor
    try:
        return args.func(args)
    except (ParameterError, OutputError, SpecError, SweepError) as e:
        print(error_line(e, lang), file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `ibusim params | head`
        return 0
    except OSError as e:  # full disk, permissions, ...: one line, no traceback
        where = f": {e.filename}" if getattr(e, "filename", None) else ""
        print(error_line(f"{e.strerror or e}{where}", lang), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
