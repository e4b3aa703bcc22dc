"""CommunityModel: the member journey of an online mothers' community, one step a week.

Step order (each line is one rule module; every rule reads the state the
previous ones left; each has its own random stream, see ``STREAMS``):

1.  ``awareness``     unaware → aware (Instagram mass reach, word of mouth, COVID push)
2.  ``channels``      aware mothers follow Instagram; anyone interested joins Telegram
3.  ``onboarding``    aware → seek to join → queue for the free class → registered
4.  ``classes``       applications in open sign-up windows; cohorts start
5.  ``scholarship``   a business-scholarship batch, when due, starts Ibu Pebisnis
6.  ``classes``       progress of everyone in a class: drop-outs, completions, outcomes;
                      ``momfluencers.train``: content-creator graduates become momfluencers
7.  ``engagement``    internalisation from prompts and fading; dormancy and reactivation
8.  ``happy_hour``    offline meetups in provinces with enough active members
9.  ``volunteering``  volunteers step down; a volunteer call, when due, takes new ones
10. ``promotion``     volunteers' track records; managers leave; vacancies filled
11. ``momfluencers``  followers grow; some momfluencers stop
12. ``brands``        campaigns: product samples and paid posts; income
13. ``communication`` the week's events by kind and channel; the message window
14. metrics           the DataCollector records the week; after the last week the
                      impact survey runs and ``running`` turns False

Team capacity (model/capacity.py) is read by onboarding, classes, engagement and
awareness: volunteers and managers let the community run more places, prompt more
members and post more content.

State lives in numpy arrays with one row per mother (``model.stage``,
``model.score``, ...); registered mothers are also :class:`Mother` agents, views
onto their rows. See docs/ODD.md for the full description.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import Any

import mesa
import numpy as np

from . import (
    awareness,
    brands,
    channels,
    classes,
    communication,
    engagement,
    happy_hour,
    metrics,
    momfluencers,
    onboarding,
    promotion,
    scholarship,
    survey,
    timeline,
    volunteering,
)
from .agents import Admin, Brand, Mother
from .network import neighbours, small_world
from .parameters import PROGRAMMES
from .population import make_population
from .scenarios import DEFAULT, load
from .states import NO_CLASS, Role, Stage

# One random stream per rule, spawned from the model's generator in this fixed
# order, so that changing one rule's draws never shifts another's (common random numbers).
STREAMS = (
    "population",
    "network",
    "seeding",
    "awareness",
    "channels",
    "onboarding",
    "classes",
    "scholarship",
    "progress",
    "engagement",
    "volunteering",
    "survey",
    "happy_hour",
    "promotion",
    "momfluencers",
    "brands",
    "communication",
    "participation",
    "event_counts",
)


class CommunityModel(mesa.Model):
    """An online empowerment community for mothers (Ibu Punya Mimpi, IbuSibuk).

    Args:
        preset: scenario the parameters start from: ``"ipm"`` (default),
            ``"ibusibuk"``, ``"baseline"`` or a path to a scenario ``.toml``.
        rng: seed or numpy Generator (Mesa's ``rng``); the only source of randomness.
        **params: any declared parameter (``ibusim params`` lists them), overriding
            the preset. Unknown names and bad values raise ParameterError.
    """

    def __init__(self, preset: str = DEFAULT, rng: Any = None, **params: Any):
        self.p = load(preset, **params)
        super().__init__(rng=rng)
        self.preset = str(preset)
        p = self.p
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS))))
        self.programmes = PROGRAMMES

        # calendar
        self.start_date = timeline.month_to_date(p["start"])
        self.n_weeks = timeline.n_weeks(p["start"], p["end"])
        self.week = 0  # index of the week the next step simulates
        self._covid = timeline.covid_levels(p["start"], self.n_weeks)
        self.seek_curve = onboarding.seek_curve(self)
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
        self.pop = make_population(p, self.streams["population"])
        self.ties = small_world(n, p["ties_per_mother"], p["long_tie_share"], self.streams["network"])
        deg = self.ties.degree()
        self.inv_degree = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0).astype(np.float32)

        # state arrays (see model/states.py)
        self.stage = np.zeros(n, np.int8)
        self.counts = np.zeros(len(Stage), np.int64)
        self.counts[Stage.UNAWARE] = n
        self.role = np.zeros(n, np.int8)
        self.score = np.zeros(n, np.float32)  # internalisation
        self.follower = np.zeros(n, bool)
        self.telegram = np.zeros(n, bool)
        self.exposure = np.zeros(n, np.float32)  # talk weight of her contacts
        self.aware_hazard = np.zeros(n, np.float32)  # accumulated awareness hazard
        self.alumnae_ties = np.zeros(n, np.int16)
        self.queue_since = np.full(n, -1, np.int16)
        self.programme = np.full(n, NO_CLASS, np.int8)
        self.applied = np.full(n, NO_CLASS, np.int8)
        self.paying = np.zeros(n, bool)
        self.class_end = np.zeros(n, np.int16)
        self.done = np.zeros(n, np.uint8)  # bit k: paid programme k completed
        self.classes_done = np.zeros(n, np.int16)
        self.registered_week = np.full(n, -1, np.int16)
        self.free_grad = np.zeros(n, bool)
        self.alumna = np.zeros(n, bool)
        self.scholar = np.zeros(n, bool)
        self.fin_change = np.zeros(n, bool)
        self.par_change = np.zeros(n, bool)
        self.tenure = np.zeros(n, np.int16)  # weeks served as a volunteer
        self.performance = np.zeros(n, np.float32)  # volunteer track record
        self.creator = np.zeros(n, bool)  # trained content creator (ever a momfluencer)
        self.momfluencer = np.zeros(n, bool)  # working as a momfluencer now
        self.mf_followers = np.zeros(n, np.float32)
        self.mf_engagement = np.zeros(n, np.float32)
        self.income = np.zeros(n, np.float64)  # cumulative momfluencer income, Rp
        self.participation = communication.participation(p, n, self.streams["participation"])
        self.prov_members = np.zeros(int(self.pop["prov"].max(initial=0)) + 1, np.int64)
        self.talk_total = 0.0
        self.n_followers = 0
        self.n_telegram = 0
        self.free_cohorts = 0
        self._role_counts = np.zeros(len(Role), np.int64)
        self.mothers: dict[int, Mother] = {}
        # index lists that only grow (nobody becomes unaware or unregisters): the rules
        # look at these subsets instead of scanning all n mothers every week
        self._aware_buf = np.empty(n, np.int64)
        self._n_aware_idx = 0
        self._member_buf = np.empty(n, np.int64)
        self._n_member_idx = 0
        self._creator_idx = np.empty(0, np.int64)
        self.channel_agendas = {k: timeline.Agenda(self.n_weeks) for k in ("follow", "unfollow", "join", "leave")}
        self.channels_seen = 0  # aware mothers already filed in the channel agendas
        self.onboarding_agendas = {k: timeline.Agenda(self.n_weeks) for k in ("seek", "give_up")}
        self.onboarding_seen = 0  # aware mothers already filed for seeking
        self.queue: list[tuple[int, np.ndarray]] = []  # free-class queue: (week joined, mothers), oldest first
        self._messages: deque = deque(maxlen=p["window_weeks"])  # (senders, receivers, channels) per week
        self.monitors = {"comm_centralisation": 0.0, "comm_density": 0.0, "comm_pattern": "none", "comm_nodes": 0}
        self.events = dict.fromkeys(communication.EVENT_TYPES, 0)
        self.survey_result: dict[str, float] | None = None

        # actors
        self.admins = [Admin(self, p["admin_capacity"]) for _ in range(p["n_admins"])]
        self.brands = [Brand(self, p["brand_budget"]) for _ in range(p["n_brands"])]

        # the founders' circles know the community from the start
        seed_rng = self.streams["seeding"]
        first = seed_rng.random(n) < p["initial_aware_share"]
        first = np.flatnonzero(first)
        self.make_aware(first)

        self.flows = dict.fromkeys(metrics.FLOWS, 0)
        self.cum = dict.fromkeys(metrics.CUMULATIVES, 0)
        self.cum["cum_aware"] = first.size
        self.aware_threshold = awareness.thresholds(self, self.streams["awareness"])
        self.datacollector = mesa.DataCollector(model_reporters=metrics.reporters())
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """One week; the order is in the module docstring."""
        if not self.running:
            return
        s = self.streams
        f = dict.fromkeys(metrics.FLOWS, 0)
        f["new_aware"] = awareness.step(self).size
        ch = channels.step(self, s["channels"])
        f["new_followers"], f["new_unfollows"] = ch["follows"].size, ch["unfollows"].size
        f["new_telegram_joins"], f["new_telegram_leaves"] = ch["joins"].size, ch["leaves"].size
        ob = onboarding.step(self, s["onboarding"])
        f["new_seekers"], f["new_queue_giveups"] = ob["seekers"].size, ob["gave_up"].size
        f["new_registered"] = ob["admitted"].size + ob["direct"].size
        f["new_free_class_starts"] = ob["admitted"].size
        f["new_applications"] = classes.applications(self, s["classes"]).size
        intake = classes.intake(self, s["classes"])
        for prog in PROGRAMMES:
            f[f"new_enrolled_{prog}"] = intake[prog].size if prog in intake else 0
        f["new_paid_enrolled"] = sum(v.size for v in intake.values())
        f["new_scholars"] = scholarship.step(self, s["scholarship"]).size
        pr = classes.progress(self, s["progress"])
        f["new_momfluencers"] = momfluencers.train(self, pr["completed_jika_ibu_menjadi"], s["momfluencers"]).size
        f["new_free_class_graduates"] = pr["free_graduates"].size
        f["new_completed_paid"] = pr["completed_paid"].size
        f["new_dropped_paid"] = pr["dropped_paid"].size
        f["new_completed_scholars"] = pr["completed_scholars"].size
        f["new_dropped_free"] = pr["dropped_free"].size
        f["new_dropped_scholars"] = pr["dropped_scholars"].size
        en = engagement.step(self, s["engagement"])
        f["new_dormant"], f["new_reactivated"] = en["dormant"].size, en["reactivated"].size
        attendees = happy_hour.step(self, s["happy_hour"])
        f["new_happy_hour_attendees"] = attendees.size
        vo = volunteering.step(self, s["volunteering"])
        f["new_volunteers"], f["new_volunteers_quit"] = vo["volunteers_joined"].size, vo["volunteers_quit"].size
        pm = promotion.step(self, s["promotion"])
        f["new_promotions"], f["new_managers_left"] = pm["promoted"].size, pm["managers_left"].size
        f["new_momfluencers_stopped"] = momfluencers.step(self, s["momfluencers"])["stopped"].size
        br = brands.step(self, s["brands"])
        f["new_campaigns"], f["new_paid_posts"], f["new_samples"] = br["campaigns"], br["paid_posts"], br["samples"]
        f["new_income"] = br["income"]
        self.events = communication.step(self, s["communication"], attendees, f, s["event_counts"])
        for (kind, channel), c in self.events.items():
            f[f"new_{kind}_{channel}"] = c
        for kind in communication.KINDS:
            f[f"new_{kind}"] = sum(c for (k, _), c in self.events.items() if k == kind)
        self.monitors = communication.monitor(self)

        self.flows = f
        for name in metrics.CUMULATIVES:
            self.cum[name] += f["new_" + name[4:]]
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False
            self.survey_result = survey.run(self, self._survey_rng())
        self.datacollector.collect(self)

    # ------------------------------------------------------------ bookkeeping
    def move(self, idx: np.ndarray, to: Stage) -> None:
        """Move mothers ``idx`` to stage ``to``, keeping the headcounts."""
        if idx.size == 0:
            return
        self.counts -= np.bincount(self.stage[idx], minlength=len(Stage))
        self.counts[to] += idx.size
        self.stage[idx] = to

    def make_aware(self, idx: np.ndarray) -> None:
        """Unaware mothers ``idx`` become aware (and start to talk)."""
        self.move(idx, Stage.AWARE)
        self._aware_buf[self._n_aware_idx : self._n_aware_idx + idx.size] = idx
        self._n_aware_idx += idx.size
        self.add_talk(idx, 1.0)

    @property
    def aware_idx(self) -> np.ndarray:
        """Every mother who is aware or further along (a view; do not modify)."""
        return self._aware_buf[: self._n_aware_idx]

    @property
    def member_idx(self) -> np.ndarray:
        """Every registered mother (a view; do not modify)."""
        return self._member_buf[: self._n_member_idx]

    def register(self, idx: np.ndarray, to: Stage) -> None:
        """Register mothers ``idx`` (stage ``to``): Mesa agents, counts, talk weight."""
        if idx.size == 0:
            return
        self.move(idx, to)
        self._member_buf[self._n_member_idx : self._n_member_idx + idx.size] = idx
        self._n_member_idx += idx.size
        self.registered_week[idx] = self.week
        self.add_talk(idx, self.p["member_talk"])
        np.add.at(self.prov_members, self.pop["prov"][idx], 1)
        for i in idx.tolist():
            self.mothers[i] = Mother(self, i)

    def creator_idx(self) -> np.ndarray:
        """Every trained content creator (momfluencer now or before), in order of training."""
        return self._creator_idx

    def add_creators(self, idx: np.ndarray) -> None:
        self._creator_idx = np.concatenate([self._creator_idx, idx])

    def remember_messages(self, senders: np.ndarray, receivers: np.ndarray, channels: np.ndarray) -> None:
        """Keep this week's person-to-person messages in the communication window."""
        self._messages.append((senders, receivers, channels))

    def window_messages(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Senders, receivers and channel codes of the last ``window_weeks`` weeks' messages."""
        if not self._messages:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int8)
        return tuple(np.concatenate([m[i] for m in self._messages]) for i in range(3))

    def communication_graph(self, channels: tuple[str, ...] | None = None, max_nodes: int | None = None):
        """The window's communication graph as networkx (see model/communication.py)."""
        return communication.graph(self, channels, max_nodes)

    @property
    def communication_pattern(self) -> str:
        return self.monitors["comm_pattern"]

    def add_talk(self, idx: np.ndarray, weight: float) -> None:
        """Add word-of-mouth weight of ``idx`` to their contacts' exposure."""
        if idx.size == 0 or weight == 0:
            return
        self.talk_total += weight * idx.size
        if self.p["mixing"] == "network":
            nb, _ = neighbours(self.ties, idx)
            np.add.at(self.exposure, nb, np.float32(weight))

    def add_alumna_ties(self, idx: np.ndarray) -> None:
        if idx.size:
            nb, _ = neighbours(self.ties, idx)
            np.add.at(self.alumnae_ties, nb, 1)

    def role_counts_changed(self) -> None:
        self._role_counts = np.bincount(self.role[self.member_idx], minlength=len(Role))

    def n_role(self, role: Role) -> int:
        return int(self._role_counts[role])

    def covid_factor(self) -> float:
        w = min(self.week, self.n_weeks - 1)
        return 1.0 + self.p["covid_push"] * self._covid[w]

    def window_open(self, k: int) -> bool:
        return bool(self._window[k, self.week])

    def cohort_starts(self, k: int) -> bool:
        return bool(self._starts[k, self.week])

    def _survey_rng(self) -> np.random.Generator:
        # a fresh copy of the survey stream each time: same state → same answers
        return np.random.Generator(
            type(self.streams["survey"].bit_generator)(self.streams["survey"].bit_generator.seed_seq)
        )

    # ---------------------------------------------------------------- output
    @property
    def date(self) -> dt.date:
        """First day of the week the next step simulates."""
        return timeline.date_of(self.week, self.p["start"])

    @property
    def registered(self) -> int:
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
    """CommunityModel's signature: every declared parameter as a keyword with the
    default it has under the default preset (what ``inspect``, IDEs and Mesa's
    SolaraViz see).
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
