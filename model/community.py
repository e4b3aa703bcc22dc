"""CommunityModel: the member journey of an online mothers' community, one step a week.

Step order (each line is one rule module, ``RULES`` in model/rules.py; every rule
reads the state the previous ones left and what they returned this week,
``model.changed``; each draws from its own random stream, keyed by its name):

1.  ``awareness``     unaware → aware (Instagram mass reach, word of mouth, COVID push)
2.  ``channels``      aware mothers follow Instagram; anyone interested joins Telegram
3.  ``onboarding``    aware → seek to join → queue for the free class → registered
4.  ``classes``       applications in open sign-up windows; cohorts start
5.  ``scholarship``   a business-scholarship batch, when due, starts Ibu Pebisnis
6.  ``progress``      everyone in a class: drop-outs, completions, outcomes
7.  ``momfluencers``  this week's Jika Ibu Menjadi graduates get tracks, content creators train
                      as momfluencers; followers grow; some momfluencers stop
8.  ``engagement``    internalisation from prompts and fading; dormancy and reactivation
9.  ``alumni``        alumni classes and the yearly reunion, when due: alumnae attend, come back
10. ``happy_hour``    offline meetups in provinces with enough active members
11. ``volunteering``  volunteers step down; a volunteer call, when due, takes new ones
12. ``promotion``     volunteers' track records; managers leave; vacancies filled
13. ``brands``        campaigns: product samples and paid posts; income
14. ``work``          paid jobs for writers, virtual assistants, MCs and financial planners; income
15. ``communication`` the week's events by kind and channel; the message window
16. ``interaction``   what the week's exchanges do: replies, internalisation, ties, opportunities
17. metrics           the week is recorded (model/metrics.py); after the last week the
                      impact survey runs and ``running`` turns False

Team capacity (model/capacity.py) is read by onboarding, classes, progress,
engagement and awareness: volunteers and managers let the community run more
places, prompt more members and post more content.

State lives in numpy arrays with one row per mother (``model.stage``,
``model.score``, ...), declared by the rules that own them (``RULE.owns``) and in
model/states.py; registered mothers are also :class:`Mother` agents, views onto
their rows. See docs/ODD.md for the full description.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import mesa
import numpy as np

from . import communication, metrics, states, survey, timeline
from .agents import Admin, Brand, Mother
from .network import contacts, small_world
from .parameters import PROGRAMMES
from .population import make_population
from .rule import Rule
from .rules import RULES
from .scenarios import DEFAULT, load
from .states import ACTIVE, IN_CLASS, MANAGER, NO_ROLE, VOLUNTEER, Role, Stage


class CommunityModel(mesa.Model):
    """An online empowerment community for mothers (Ibu Punya Mimpi, IbuSibuk).

    Args:
        preset: scenario the parameters start from: ``"ipm"`` (default),
            ``"ibusibuk"``, ``"baseline"`` or a path to a scenario ``.toml``.
        rng: seed or numpy Generator (Mesa's ``rng``); the only source of randomness.
        **params: any declared parameter (``ibusim params`` lists them), overriding
            the preset. Unknown names and bad values raise ParameterError.
    """

    rules: tuple[Rule, ...] = RULES  # the rules one step runs, in order (model/rules.py)
    # contacts per mother whose exposure may wait to be added (add_talk): 8 int64 ids, 64 bytes a mother at most
    EXPOSURE_PENDING = 8

    def __init__(self, preset: str = DEFAULT, rng: Any = None, **params: Any):
        self.p = load(preset, **params)
        super().__init__(rng=rng)
        self.preset = str(preset)
        p = self.p
        # every random stream is keyed by its name (see stream()): 128 bits drawn once from Mesa's rng
        self._entropy = [int(x) for x in self.rng.integers(0, 2**32, size=4, dtype=np.uint64)]
        self._streams: dict[str, np.random.Generator] = {}
        self.programmes = PROGRAMMES

        # calendar
        self.start_date = timeline.month_to_date(p["start"])
        self.n_weeks = timeline.n_weeks(p["start"], p["end"])
        self.week = 0  # index of the week the next step simulates
        self._covid = timeline.covid_levels(p["start"], self.n_weeks)
        self._starts = np.zeros((len(PROGRAMMES), self.n_weeks + 1), bool)
        self._window = np.zeros((len(PROGRAMMES), self.n_weeks + 1), bool)
        for k, prog in enumerate(PROGRAMMES):
            if p[f"{prog}_places"] == 0:
                continue
            for c in timeline.cohort_weeks(p[f"{prog}_start"], p[f"{prog}_every_weeks"], p["start"], self.n_weeks):
                self._starts[k, c] = True
                self._window[k, max(0, c - p[f"{prog}_window_weeks"]) : c] = True
        sw = timeline.week_of(p["scholarship_start"], p["start"]) + p["scholarship_every_weeks"] * np.arange(
            p["scholarship_batches"]
        )
        self.scholarship_weeks = set(int(w) for w in sw if 0 <= w < self.n_weeks)

        # population and ties
        self.n = n = p["n_mothers"]
        self.pop = make_population(p, self.stream("population"))
        self.ties = small_world(n, 2 * p["ties_per_side"], p["long_tie_share"], self.stream("network"))
        # 1 / degree (0 without ties) in float32, looked up by degree: the same values as computing
        # it for every mother, from a table as long as the largest degree
        deg = self.ties.degree()
        inv = np.zeros(int(deg.max(initial=0)) + 1)
        inv[1:] = 1.0 / np.arange(1, inv.size)
        self.inv_degree = inv.astype(np.float32)[deg]

        # per-mother state arrays: shared ones (model/states.py), then each rule's own
        for state in states.SHARED + tuple(s for rule in self.rules for s in rule.owns):
            setattr(self, state.name, state.make(n))
        self.participation = communication.participation(p, n, self.stream("participation"))
        self.counts = np.zeros(len(Stage), np.int64)
        self.counts[Stage.UNAWARE] = n
        self.prov_members = np.zeros(int(self.pop["prov"].max(initial=0)) + 1, np.int64)
        self.talk_total = 0.0
        # (contacts, weight) of each add_talk since awareness last looked: the word-of-mouth clocks it files
        self.exposure_changed: list[tuple[np.ndarray, float]] = []
        # volunteers and managers, kept by set_role (members with no role are counted on demand: n_role)
        self._role_counts = [0] * len(Role)
        self._mothers: dict[int, Mother] = {}
        self._n_agents = 0  # registered mothers who are Mother agents already (see mothers)
        # index lists that only grow (nobody becomes unaware or unregisters): the rules
        # look at these subsets instead of scanning all n mothers every week
        self._aware_buf = np.empty(n, np.int64)
        self._n_aware_idx = 0
        self.aware_rank = np.full(n, -1, np.int64)  # each aware mother's position in aware_idx (-1: unaware)
        self._member_buf = np.empty(n, np.int64)
        self._n_member_idx = 0
        # the members in member order (their order in member_idx, the order of registration): the
        # rules that keep a few mothers on an agenda order them by member_rank, and those that scan
        # every member read member_stage straight through instead of gathering model.stage[member_idx]
        self.member_rank = np.full(n, -1, np.int64)  # each member's position in member_idx (-1: not registered)
        self._member_stage = np.empty(n, np.int8)  # member_stage's buffer, kept by move
        self.class_entries: list[np.ndarray] = []  # who entered a class since model/progress.py last looked
        self.messages = communication.message_window(self)  # the last window_weeks weeks' distinct message edges
        self.monitors = {"comm_centralisation": 0.0, "comm_density": 0.0, "comm_pattern": "none", "comm_nodes": 0}
        self.events = dict.fromkeys(communication.EVENT_TYPES, 0)
        self.survey_result: dict[str, float] | None = None
        self.changed: dict[str, Any] = {}  # what this week's rules returned so far

        # actors
        self.admins = [Admin(self, p["admin_capacity"]) for _ in range(p["n_admins"])]
        self.brands = [Brand(self, p["brand_budget"]) for _ in range(p["n_brands"])]

        # the founders' circles know the community from the start
        first = np.flatnonzero(self.stream("seeding").random(n) < p["initial_aware_share"])
        self.make_aware(first)
        for rule in self.rules:
            if rule.setup is not None:
                rule.setup(self, self.stream(rule.name))

        self.series = metrics.Series(self)
        self._plan = None  # step()'s plan, made at the first step (from series.plan)
        self.series.cum[0, metrics.CUMULATIVES.index("cum_aware")] = first.size
        self.series.record(self)
        self.datacollector = metrics.Collector(self)

    def stream(self, name: str) -> np.random.Generator:
        """The random stream called ``name`` (a rule's is its name), the same Generator on every call.

        Seeded from the model's entropy (drawn once from ``rng``) and a stable hash of the
        name (CRC-32), so a new stream shifts no other stream's draws, in any process.
        """
        g = self._streams.get(name)
        if g is None:
            g = self._streams[name] = self.fresh_stream(name)
        return g

    def fresh_stream(self, name: str) -> np.random.Generator:
        """A new Generator at the start of stream ``name`` (same state → same draws, e.g. the survey)."""
        seq = np.random.SeedSequence(self._entropy, spawn_key=(zlib.crc32(name.encode()),))
        return np.random.Generator(np.random.PCG64(seq))

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """One week: the rules of ``RULES`` in order (the module docstring), then the record."""
        if not self.running:
            return
        self.changed = changed = {}
        new = self.series.new[self.week + 1]
        if self._plan is None:  # each rule's step, stream and flow columns, looked up once
            self._plan = [(rule.step, self.stream(rule.name), columns) for rule, columns in self.series.plan]
        ndarray = np.ndarray
        for step, rng, columns in self._plan:
            out = step(self, rng)
            changed.update(out)
            for j, name in columns:
                v = out[name]
                new[j] = v.size if type(v) is ndarray else v
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False
            self.survey_result = survey.run(self, self.fresh_stream("survey"))
        self.series.record(self)

    # ------------------------------------------------------------ bookkeeping
    def move(self, idx: np.ndarray, to: Stage) -> None:
        """Move mothers ``idx`` to stage ``to``, keeping the headcounts.

        Who enters a class is also noted in ``class_entries``: model/progress.py keeps the
        learners from these notes, not from a pass over every member each week. Moves to a
        registered stage also update the member-ordered copy of the stages (``member_stage``):
        only members are in a registered stage (:meth:`register` ranks mothers before it moves
        them), and they never leave the registered stages.
        """
        if idx.size == 0:
            return
        self.counts -= np.bincount(self.stage[idx], minlength=len(Stage))
        self.counts[to] += idx.size
        self.stage[idx] = to
        if to >= ACTIVE:
            self._member_stage[self.member_rank[idx]] = to
            if to == IN_CLASS:
                self.class_entries.append(idx)

    def make_aware(self, idx: np.ndarray) -> None:
        """Unaware mothers ``idx`` become aware (and start to talk)."""
        self.move(idx, Stage.AWARE)
        self._aware_buf[self._n_aware_idx : self._n_aware_idx + idx.size] = idx
        self.aware_rank[idx] = np.arange(self._n_aware_idx, self._n_aware_idx + idx.size)
        self._n_aware_idx += idx.size
        self.add_talk(idx, 1.0)

    @property
    def aware_idx(self) -> np.ndarray:
        """Every mother who is aware or further along (a view; do not modify)."""
        return self._aware_buf[: self._n_aware_idx]

    @property
    def member_idx(self) -> np.ndarray:
        """Every registered mother, in order of registration (member order; a view: do not modify)."""
        return self._member_buf[: self._n_member_idx]

    @property
    def member_stage(self) -> np.ndarray:
        """Every member's stage in member order: ``stage[member_idx]`` without the look-ups (a view: do not modify).

        A copy of the stages kept by :meth:`move`, so the rules that scan the members read it
        straight through.
        """
        return self._member_stage[: self._n_member_idx]

    def in_member_order(self, *parts: np.ndarray) -> np.ndarray:
        """The members in ``parts`` in member order, each once (an agenda's old entries and new ones merged).

        The rules that keep a few members on an agenda (the learners, the team, the alumnae, the
        pending applicants) keep them in member order, the order of their random draws.
        """
        rank = np.sort(self.member_rank[np.concatenate(parts)])
        if rank.size > 1:
            rank = rank[np.concatenate(([True], rank[1:] != rank[:-1]))]
        return self._member_buf[rank]

    def register(self, idx: np.ndarray, to: Stage) -> None:
        """Register mothers ``idx`` (stage ``to``): member order, counts, talk weight; Mesa agents when looked at."""
        if idx.size == 0:
            return
        k = self._n_member_idx
        self._member_buf[k : k + idx.size] = idx
        self.member_rank[idx] = np.arange(k, k + idx.size)
        self._n_member_idx += idx.size
        self.move(idx, to)  # after the ranks: it writes their member-ordered stage
        self.registered_week[idx] = self.week
        self.add_talk(idx, self.p["member_talk"])
        self.prov_members += np.bincount(self.pop["prov"][idx], minlength=self.prov_members.size)

    @property
    def mothers(self) -> dict[int, Mother]:
        """Every registered mother as a :class:`Mother` agent, by row, in order of registration.

        The agents are views onto the arrays; they are created when first looked at (here or
        through ``agents``, ``agents_by_type``, ``agent_types``), in order of registration, so
        the weekly steps do not pay for Mesa's agent bookkeeping.
        """
        self._make_agents()
        return self._mothers

    def _make_agents(self) -> None:
        new = self._member_buf[self._n_agents : self._n_member_idx]
        if new.size:
            self._n_agents = self._n_member_idx
            for i in new.tolist():
                self._mothers[i] = Mother(self, i)

    @property
    def agents(self):
        """All Mesa agents (admins, brands and every registered mother)."""
        self._make_agents()
        return super().agents

    @property
    def agents_by_type(self):
        """Mesa's agent sets by type (every registered mother included)."""
        self._make_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Agent types (Mother once someone registered)."""
        self._make_agents()
        return super().agent_types

    def creator_idx(self) -> np.ndarray:
        """Every trained content creator (momfluencer now or before), in order of training."""
        return self._creator_idx

    def add_creators(self, idx: np.ndarray) -> None:
        """Append newly trained content creators ``idx``."""
        self._creator_idx = np.concatenate([self._creator_idx, idx])

    def communication_graph(self, channels: tuple[str, ...] | None = None, max_nodes: int | None = None):
        """The window's communication graph as networkx (see model/communication.py)."""
        return communication.graph(self, channels, max_nodes)

    @property
    def communication_pattern(self) -> str:
        """The window's communication pattern this week."""
        return self.monitors["comm_pattern"]

    def add_talk(self, idx: np.ndarray, weight: float) -> None:
        """Add word-of-mouth weight of ``idx`` to their contacts' exposure (when it is next read: :attr:`exposure`)."""
        if idx.size == 0 or weight == 0:
            return
        self.talk_total += weight * idx.size
        if self.p["mixing"] == "network":
            nb = contacts(self.ties, idx)
            nb.flags.writeable = False  # kept (below and by awareness) until read: nobody may change it
            # exposure is brought up to date when it is read (nothing in a run reads it): the same additions
            # in the same order, later; at most EXPOSURE_PENDING contacts per mother wait
            self._exposure_pending.append((nb, np.float32(weight)))
            self._n_exposure_pending += nb.size
            if self._n_exposure_pending > self.EXPOSURE_PENDING * self.n:
                self._add_exposure()
            # awareness starts a word-of-mouth clock for each of these contacts (model/awareness.py)
            self.exposure_changed.append((nb, weight))

    @property
    def exposure(self) -> np.ndarray:
        """Every mother's exposure, the talk weight of her aware and registered contacts (float32; up to date)."""
        self._add_exposure()
        return self._exposure

    @exposure.setter
    def exposure(self, value: np.ndarray) -> None:
        self._exposure = value
        self._exposure_pending: list[tuple[np.ndarray, np.float32]] = []
        self._n_exposure_pending = 0

    def _add_exposure(self) -> None:
        """Add the talk that waits to ``exposure``, in the order it was told (np.add.at: float32, one by one)."""
        for nb, weight in self._exposure_pending:
            np.add.at(self._exposure, nb, weight)
        self._exposure_pending.clear()
        self._n_exposure_pending = 0

    def set_role(self, idx: np.ndarray, role: Role) -> None:
        """Give members ``idx`` role ``role``, keeping the counts of :meth:`n_role`.

        The rules change roles only through here (model/volunteering.py, model/promotion.py),
        so the counts need no pass over the members' roles.
        """
        if idx.size == 0:
            return
        was = np.bincount(self.role[idx], minlength=len(Role)).tolist()
        self._role_counts = [c - w for c, w in zip(self._role_counts, was)]
        self._role_counts[role] += idx.size
        self.role[idx] = role

    def role_counts_changed(self) -> None:
        """Recount the roles from every member's role (after writing ``role`` directly, not by :meth:`set_role`)."""
        role = self.role[self.member_idx]
        # bincount over the few role holders only (bincount is slow on a long int8 array)
        self._role_counts = np.bincount(role[role != NO_ROLE], minlength=len(Role)).tolist()

    def n_role(self, role: Role) -> int:
        """How many members have ``role`` (with no role: the members who are neither volunteers nor managers)."""
        if role == NO_ROLE:
            return self._n_member_idx - self._role_counts[VOLUNTEER] - self._role_counts[MANAGER]
        return self._role_counts[role]

    def covid_factor(self) -> float:
        """This week's COVID-19 push, 1 + covid_push * lockdown level."""
        w = min(self.week, self.n_weeks - 1)
        return 1.0 + self.p["covid_push"] * self._covid[w]

    def window_open(self, k: int) -> bool:
        """Whether paid programme ``k``'s sign-up window is open this week."""
        return bool(self._window[k, self.week])

    def cohort_starts(self, k: int) -> bool:
        """Whether a cohort of paid programme ``k`` starts this week."""
        return bool(self._starts[k, self.week])

    # ---------------------------------------------------------------- output
    @property
    def date(self) -> dt.date:
        """First day of the week the next step simulates (``timeline.date_of``, from the start date kept)."""
        return self.start_date + dt.timedelta(days=7 * int(self.week))

    @property
    def flows(self) -> dict[str, float]:
        """This week's flows (``new_*``; zeros before the first step)."""
        return self.series.flows_at(self.week)

    @property
    def cum(self) -> dict[str, float]:
        """The cumulatives (``cum_*``) at the end of the last step."""
        return self.series.cums_at(self.week)

    @property
    def registered(self) -> int:
        """Registered mothers (active, in class or dormant)."""
        return int(self.counts[Stage.ACTIVE] + self.counts[Stage.IN_CLASS] + self.counts[Stage.DORMANT])

    def run(self) -> "CommunityModel":
        """Step until the end of the run; return self."""
        while self.running:
            self.step()
        return self

    def summary(self) -> dict[str, float]:
        """End-of-run figures (the target names and other summaries)."""
        return metrics.summary(self)

    def dataframe(self):
        """The per-week series as a pandas DataFrame (one row per week, with dates)."""
        return metrics.dataframe(self)


def _signature():
    """CommunityModel's signature: every declared parameter as a keyword.

    Each has the default it has under the default preset (what ``inspect``, IDEs and
    Mesa's SolaraViz see).
    """
    import inspect

    P = inspect.Parameter
    defaults = load(DEFAULT)
    params = [
        P("self", P.POSITIONAL_OR_KEYWORD),
        P("preset", P.POSITIONAL_OR_KEYWORD, default=DEFAULT),
        P("rng", P.POSITIONAL_OR_KEYWORD, default=None),
    ]
    params += [P(name, P.KEYWORD_ONLY, default=value) for name, value in defaults.items()]
    return inspect.Signature(params)


CommunityModel.__init__.__signature__ = _signature()
