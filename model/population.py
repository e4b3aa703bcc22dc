"""Population: the reachable mothers, held as arrays (one row per mother).

Rule: ``n_mothers`` mothers are spread over Indonesia's 38 provinces (a
multinomial draw) in proportion to a reach weight, then sorted by province so
that social ties (model/network.py) are mostly local. The weight
(``province_reach``):

* ``"internet"`` (default): the province's women on the internet, ``women_k *
  internet_k``, from public data (model/provinces.py, docs/sources/provinces.md;
  the data source chosen by ``province_population`` and ``province_internet``);
* ``"regions"`` (version 0.2): approximate 2020 population times an assumed
  regional reach (``REGION_REACH``: Java-Bali 1, other regions a little less,
  the 8 Maluku/Papua provinces ``remote_reach``).

Each mother draws, from the model's generator, the traits the rules need:

* ``family`` family support, ``stigma`` environment pressure, ``free_time``
  time left by childcare, ``digital`` digital literacy: Beta draws in [0, 1]
  with the declared means and concentration ``BETA_CONCENTRATION``;
* ``wtp`` monthly budget for classes (lognormal, median ``wtp_median``, log-sd
  ``wtp_sigma``, capped at ``wtp_max``);
* ``occupation`` why she paused work: left after marriage/childbirth, long-distance
  marriage, or migration (shares ``share_long_distance``, ``share_migrated``);
* ``barrier`` = min(1, barrier_strength * weighted mean of stigma, 1 - family,
  1 - free_time): by default the family weighs most (``weight_family`` >
  ``weight_environment`` >= ``weight_time``: the IPM manager names the family
  the first obstacle, environment and stigma follow; :func:`barrier_shares`),
  ``motivation`` (``isolation_motivation`` for LDM/migrated) and
  ``digital_reach`` = 1 - min(1, barrier_strength * (1 - digital)), how well
  Instagram and Telegram reach her.

Most mothers are never reached, so they are not Mesa agents: a mother becomes a
:class:`model.agents.Mother` agent when she registers (see docs/ODD.md).

Parameters read: n_mothers, province_reach, province_population, province_internet,
remote_reach (with province_reach = "regions"), family_support_mean, stigma_mean,
free_time_mean, digital_literacy_mean, wtp_median, wtp_sigma, wtp_max,
share_long_distance, share_migrated, isolation_motivation, barrier_strength,
weight_environment, weight_family, weight_time.
"""

from __future__ import annotations

import numpy as np

from . import provinces

# (province, 2020 population in millions, region), in the order the mothers are sorted in (either weighting).
# Assumed: approximate 2020 census
# (BPS SP2020) figures, rounded; the four provinces split from Papua in 2022 are given
# their shares of the old provinces. Used only as relative weights with province_reach = "regions" (version 0.2);
# the public figures of docs/sources/provinces.csv are in model/provinces.py.
PROVINCES = (
    ("Aceh", 5.27, "Sumatra"),
    ("Sumatera Utara", 14.80, "Sumatra"),
    ("Sumatera Barat", 5.53, "Sumatra"),
    ("Riau", 6.39, "Sumatra"),
    ("Jambi", 3.55, "Sumatra"),
    ("Sumatera Selatan", 8.47, "Sumatra"),
    ("Bengkulu", 2.01, "Sumatra"),
    ("Lampung", 9.01, "Sumatra"),
    ("Kepulauan Bangka Belitung", 1.46, "Sumatra"),
    ("Kepulauan Riau", 2.06, "Sumatra"),
    ("DKI Jakarta", 10.56, "Java-Bali"),
    ("Jawa Barat", 48.27, "Java-Bali"),
    ("Jawa Tengah", 36.52, "Java-Bali"),
    ("DI Yogyakarta", 3.67, "Java-Bali"),
    ("Jawa Timur", 40.67, "Java-Bali"),
    ("Banten", 11.90, "Java-Bali"),
    ("Bali", 4.32, "Java-Bali"),
    ("Nusa Tenggara Barat", 5.32, "Nusa Tenggara"),
    ("Nusa Tenggara Timur", 5.33, "Nusa Tenggara"),
    ("Kalimantan Barat", 5.41, "Kalimantan"),
    ("Kalimantan Tengah", 2.67, "Kalimantan"),
    ("Kalimantan Selatan", 4.07, "Kalimantan"),
    ("Kalimantan Timur", 3.77, "Kalimantan"),
    ("Kalimantan Utara", 0.70, "Kalimantan"),
    ("Sulawesi Utara", 2.62, "Sulawesi"),
    ("Sulawesi Tengah", 2.99, "Sulawesi"),
    ("Sulawesi Selatan", 9.07, "Sulawesi"),
    ("Sulawesi Tenggara", 2.62, "Sulawesi"),
    ("Gorontalo", 1.17, "Sulawesi"),
    ("Sulawesi Barat", 1.42, "Sulawesi"),
    ("Maluku", 1.85, "Maluku-Papua"),
    ("Maluku Utara", 1.28, "Maluku-Papua"),
    ("Papua Barat", 0.56, "Maluku-Papua"),
    ("Papua Barat Daya", 0.60, "Maluku-Papua"),
    ("Papua", 1.03, "Maluku-Papua"),
    ("Papua Selatan", 0.51, "Maluku-Papua"),
    ("Papua Tengah", 1.35, "Maluku-Papua"),
    ("Papua Pegunungan", 1.45, "Maluku-Papua"),
)
N_PROVINCES = len(PROVINCES)  # 38, observed: 001 "31 dari 38 provinsi"
# Online reach per head relative to Java-Bali (assumed: lower internet use and fewer
# ties to a Java-founded community outside Java; Maluku-Papua is the remote_reach parameter).
REGION_REACH = {"Java-Bali": 1.0, "Sumatra": 0.7, "Kalimantan": 0.6, "Sulawesi": 0.6, "Nusa Tenggara": 0.4}
BETA_CONCENTRATION = 6.0  # assumed: alpha + beta of the trait Beta draws (moderate spread)

# occupation codes
LEFT_AFTER_MARRIAGE, LONG_DISTANCE, MIGRATED = 0, 1, 2
OCCUPATIONS = ("left work after marriage/childbirth", "long-distance marriage", "migrated from kin")


def province_weights(remote_reach: float) -> np.ndarray:
    """Share of reachable mothers in each province by version 0.2's regions (sums to 1)."""
    w = np.array([pop * REGION_REACH.get(region, remote_reach) for _, pop, region in PROVINCES])
    return w / w.sum()


def reach_weights(p: dict) -> np.ndarray:
    """Share of reachable mothers in each province of ``PROVINCES`` under ``p``'s ``province_reach`` (sums to 1)."""
    if p["province_reach"] == "regions":
        return province_weights(p["remote_reach"])
    names = [name for name, _, _ in PROVINCES]
    return provinces.reach_weights(names, p["province_population"], p["province_internet"])


def _beta(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    a = mean * BETA_CONCENTRATION
    return rng.beta(a, BETA_CONCENTRATION - a, n).astype(np.float32)


def make_population(p: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw the static traits of ``n_mothers`` mothers, sorted by province."""
    n = p["n_mothers"]
    counts = rng.multinomial(n, reach_weights(p))
    prov = np.repeat(np.arange(N_PROVINCES, dtype=np.int8), counts)
    family = _beta(rng, p["family_support_mean"], n)
    stigma = _beta(rng, p["stigma_mean"], n)
    free_time = _beta(rng, p["free_time_mean"], n)
    digital = _beta(rng, p["digital_literacy_mean"], n)
    # the arithmetic below works in place on one array per trait (no temporaries over every mother):
    # the same operations, in the same order and precision, as the formulas in the module docstring
    wtp = rng.standard_normal(n)
    wtp *= p["wtp_sigma"]
    np.exp(wtp, out=wtp)
    wtp *= p["wtp_median"]
    np.minimum(wtp, p["wtp_max"], out=wtp)  # wtp_median * exp(wtp_sigma * z), capped
    u = rng.random(n)
    occupation = np.full(n, LEFT_AFTER_MARRIAGE, dtype=np.int8)
    occupation[u < p["share_long_distance"] + p["share_migrated"]] = MIGRATED
    occupation[u < p["share_long_distance"]] = LONG_DISTANCE
    wsum = p["weight_environment"] + p["weight_family"] + p["weight_time"]
    # barrier: min(1, barrier_strength * (w_env * stigma + w_fam * (1 - family) + w_time * (1 - free_time)) / wsum),
    # in float32 (Python floats take the arrays' precision)
    barrier = p["weight_environment"] * stigma
    term = 1 - family
    term *= p["weight_family"]
    barrier += term
    np.subtract(1, free_time, out=term)
    term *= p["weight_time"]
    barrier += term
    barrier /= wsum
    barrier *= p["barrier_strength"]
    np.minimum(barrier, 1.0, out=barrier)
    motivation = np.where(
        occupation == LEFT_AFTER_MARRIAGE, np.float32(1.0), np.float32(p["isolation_motivation"])
    )  # float32 values, as the float64 ones cast
    # digital literacy limits how well mass media and Instagram reach her (a barrier too):
    # 1 - min(1, barrier_strength * (1 - digital))
    digital_reach = 1.0 - digital
    digital_reach *= p["barrier_strength"]
    np.minimum(digital_reach, 1.0, out=digital_reach)
    np.subtract(1.0, digital_reach, out=digital_reach)
    return dict(
        prov=prov,
        family=family,
        stigma=stigma,
        free_time=free_time,
        digital=digital,
        wtp=wtp,
        occupation=occupation,
        barrier=barrier,
        motivation=motivation,
        digital_reach=digital_reach,
    )


def barrier_shares(p: dict, pop: dict[str, np.ndarray]) -> dict[str, float]:
    """Each obstacle's share of the (unclipped) barrier index, averaged over the mothers (sums to 1).

    ``environment`` (stigma), ``family`` (low family support) and ``time`` (little free time): the
    weighted terms of the index, summed over everyone, as shares of their total.
    """
    parts = {
        "environment": p["weight_environment"] * float(pop["stigma"].astype(float).sum()),
        "family": p["weight_family"] * float((1.0 - pop["family"].astype(float)).sum()),
        "time": p["weight_time"] * float((1.0 - pop["free_time"].astype(float)).sum()),
    }
    total = sum(parts.values())
    return {k: v / total if total > 0 else 0.0 for k, v in parts.items()}
