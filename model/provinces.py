"""Provinces: public regional data, the reach weights built on it, and the provinces-reached estimator.

A pure module (no rule, no ``RULE``), read by model/population.py (where the simulated mothers live)
and by model/metrics.py (how many provinces have members).

**Data.** :data:`TABLE` holds, for each of Indonesia's 38 provinces, the public figures of
``docs/sources/provinces.csv`` the model uses (the sources, the quoted passages and what is observed,
derived or missing are in ``docs/sources/provinces.md``; ``tests/test_provinces.py`` checks that the
two agree cell for cell): registered residents and registered women (Ditjen Dukcapil, semester II
2024, complete), the BPS 2024 population and the women derived from its sex ratio (33 provinces; the
five Papua provinces the stored BPS table lacks have none), and internet penetration (APJII 2024 where
a provincial figure was found, else APJII 2023, else APJII 2024's island-group figure; the two APJII
years separately; BPS 2023, complete but on the old 34-province split).

**Reach model** (``province_reach = "internet"``). The simulated mothers are the effective market of
reachable mothers (docs/sources/market.md: millennial mothers on the internet and Instagram). Their
share in province ``k`` is taken to be that province's share of women on the internet::

    w_k = women_k * internet_k / sum_j (women_j * internet_j)

* ``women_k``: registered women, Dukcapil 2024-S2 (``province_population = "registry"``), or BPS 2024
  women (population x 100 / (100 + sex ratio)) with the registry's count where BPS has none
  (``"bps"``);
* ``internet_k``: APJII penetration, latest provincial year (``province_internet = "apjii_latest"``),
  the 2023 provincial figure first (``"apjii_2023"``), or BPS 2023 (``"bps_2023"``).

Assumed, for want of provincial data (no provincial count of women aged 15-49 or of millennial mothers,
no provincial Instagram share was found): millennial mothers are the same share of women, and
Instagram users the same share of internet users, in every province; the whole population's
penetration stands for mothers' (nationally millennials are more online, 93% against 79.5%, so the
provincial contrast among millennial mothers is if anything smaller). There is no exponent, distance
or founding-province term: no source gives one, and a fitted one would be tuned to the figure the
model is meant to predict. How registrations then spread is the model's business: mass reach
(Instagram) is national, the founders' circles are drawn uniformly, and word of mouth runs over a
ring sorted by province (model/network.py), so it stays mostly inside a province.

``province_reach = "regions"`` is version 0.2's assumed weighting, unchanged (model/population.py:
approximate 2020 populations x ``REGION_REACH``, ``remote_reach`` for Maluku and Papua).

**Provinces reached** (:func:`expected_reached`). IPM reports members in 31 of 38 provinces, a
statement about its ~15,000 real registered mothers, in which a province with one or two members
counts. The figure is the expected number of provinces with at least one of ``M`` real members, where
the simulation's registered mothers (``c_k`` in province ``k``, ``C`` in all) are read as a sample of
the members' provinces and ``M = scale * C``, ``scale`` being the real registered mothers one simulated
registered mother stands for. This is the species-richness problem of ecology (provinces for species,
members for individuals), and the estimator is the standard one there:

* ``M <= C`` (a simulation at least as large as reality), rarefaction (Hurlbert 1971, Ecology 52:577):
  the expected number of provinces among ``M`` of the ``C`` simulated members drawn without
  replacement, ``sum_k 1 - binom(C - c_k, M) / binom(C, M)`` (generalised to a real ``M`` by the gamma
  function; a term is 0 when fewer than ``M`` members live outside ``k``). If the simulated members are
  a multinomial sample with province shares ``pi_k``, this is *unbiased* for the expected number of
  provinces ``M`` such members reach, ``sum_k 1 - (1 - pi_k) ** M``, at any ``C``;
* ``M > C`` (a simulation smaller than reality), extrapolation (Chao et al. 2014, Ecological
  Monographs 84:45, eq. 9 with the Chao1 estimate of the provinces not seen):
  ``S_obs + f0 * (1 - (1 - f1 / (C f0 + f1)) ** (M - C))``, ``f1``, ``f2`` the provinces with one and two
  simulated members, ``f0 = (C - 1) / C * f1**2 / (2 f2)`` (``f1 (f1 - 1) / 2`` when ``f2 = 0``), at most
  the provinces with no simulated member; reliable up to about two or three times ``C`` (Chao et al.).

So the figure depends on the shares and the real count only: it is the same at any simulated scale (in
expectation). Assumptions: members fall in provinces independently given the shares (if they came in
clumps of ``g`` friends in one province, ``M / g`` independent placements would reach fewer provinces);
the provinces of the run's registered mothers are a sample of the model's shares (the run's own word
of mouth makes them clumpier than a multinomial, which the estimator inherits, as it should).

What ``scale`` is: the model simulates ``n_mothers`` one to one as the *effective* market (about 1.1%
of the 10.7 million reachable mothers, docs/sources/market.md), and its registered count is compared
one to one with IPM's 15,000, so one simulated registered mother stands for one real one: ``scale =
1``. (``market.scale_factor``, ~89 at 120,000 mothers, is the number of *reachable* mothers one
simulated mother stands for; using it here would give IPM 1.3 million members.) At ``scale = 1`` the
rarefaction is exactly the count of provinces with a simulated registered mother, which is itself
unbiased there; the estimator matters when the simulation is smaller or larger than reality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

REACH_CHOICES = ("internet", "regions")
POPULATION_CHOICES = ("registry", "bps")
INTERNET_CHOICES = ("apjii_latest", "apjii_2023", "bps_2023")


@dataclass(frozen=True)
class Province:
    """One row of docs/sources/provinces.csv (the columns the model uses; ``None`` where the CSV is empty)."""

    kode: int  # Kemendagri code
    name: str
    region: str  # island group
    population_bps: int | None  # BPS 2024 mid-year population
    population_registry: int  # Dukcapil registered residents, 2024-S2
    women_registry: int  # Dukcapil registered women, 2024-S2
    women_bps: int | None  # derived: BPS population x 100 / (100 + BPS sex ratio), to the nearest 100
    internet: float  # APJII penetration, latest provincial year, else the 2024 island-group figure
    internet_apjii_2024: float | None
    internet_apjii_2023: float | None
    internet_bps_2023: float  # BPS 2023, aged 5+, the four new Papua provinces inherit their old province's

    def women(self, population: str = "registry") -> int:
        """Women: the registry's, or BPS's where BPS has a figure (``population = "bps"``)."""
        if population not in POPULATION_CHOICES:
            raise ValueError(f"population {population!r} is not one of {POPULATION_CHOICES}")
        if population == "bps" and self.women_bps is not None:
            return self.women_bps
        return self.women_registry

    def internet_share(self, internet: str = "apjii_latest") -> float:
        """Internet penetration (0-1) by the chosen source."""
        if internet == "apjii_latest":
            return self.internet
        if internet == "apjii_2023":
            return self.internet if self.internet_apjii_2023 is None else self.internet_apjii_2023
        if internet == "bps_2023":
            return self.internet_bps_2023
        raise ValueError(f"internet {internet!r} is not one of {INTERNET_CHOICES}")


# Generated from docs/sources/provinces.csv (columns kode, province, region, population, population_dukcapil,
# female_population, female_population_bps_derived, internet_penetration, internet_apjii_2024,
# internet_apjii_2023, internet_bps_2023), in Kemendagri code order; tests/test_provinces.py checks them.
TABLE: tuple[Province, ...] = (
    Province(11, "Aceh", "Sumatera", 5554800, 5623479, 2808419, 2765000, 0.6781, None, 0.6781, 0.593),
    Province(12, "Sumatera Utara", "Sumatera", 15588500, 15640905, 7812807, 7763200, 0.6712, None, 0.6712, 0.7029),
    Province(13, "Sumatera Barat", "Sumatera", 5836200, 5820359, 2897227, 2896400, 0.8031, None, 0.8031, 0.6864),
    Province(14, "Riau", "Sumatera", 6728100, 7099297, 3473918, 3291600, 0.7714, None, 0.7714, 0.7302),
    Province(15, "Jambi", "Sumatera", 3724300, 3834439, 1881567, 1831000, 0.8046, None, 0.8046, 0.6814),
    Province(16, "Sumatera Selatan", "Sumatera", 8837300, 9064690, 4448245, 4338400, 0.7002, None, 0.7002, 0.6666),
    Province(17, "Bengkulu", "Sumatera", 2112200, 2127957, 1041242, 1033400, 0.7763, None, 0.7763, 0.6625),
    Province(18, "Lampung", "Sumatera", 9419600, 9144263, 4475447, 4610700, 0.7586, None, 0.7586, 0.7068),
    Province(
        19, "Kepulauan Bangka Belitung", "Sumatera", 1531500, 1549562, 754701, 745600, 0.8266, None, 0.8266, 0.7203
    ),
    Province(21, "Kepulauan Riau", "Sumatera", 2183300, 2271890, 1116790, 1073900, 0.7567, None, 0.7567, 0.8671),
    Province(31, "DKI Jakarta", "Jawa", 10684900, 11038216, 5500881, 5313200, 0.8751, 0.8751, 0.8696, 0.865),
    Province(32, "Jawa Barat", "Jawa", 50345200, 51316378, 25318584, 24849600, 0.8552, 0.8552, 0.8273, 0.7254),
    Province(33, "Jawa Tengah", "Jawa", 37892300, 38430645, 19090256, 18851900, 0.7754, None, 0.7754, 0.7),
    Province(34, "DI Yogyakarta", "Jawa", 3759500, 3743365, 1889878, 1899700, 0.8873, 0.8873, 0.7903, 0.7861),
    Province(35, "Jawa Timur", "Jawa", 41814500, 41919906, 21025547, 20970200, 0.8126, None, 0.8126, 0.6617),
    Province(36, "Banten", "Jawa", 12431400, 12881374, 6338355, 6111800, 0.8455, 0.8455, 0.891, 0.7173),
    Province(51, "Bali", "Bali-Nusa Tenggara", 4433300, 4375263, 2181432, 2211100, 0.8088, None, 0.8088, 0.7334),
    Province(
        52, "Nusa Tenggara Barat", "Bali-Nusa Tenggara", 5646000, 5751295, 2880515, 2813200, 0.7135, None, 0.7135, 0.632
    ),
    Province(
        53,
        "Nusa Tenggara Timur",
        "Bali-Nusa Tenggara",
        5656000,
        5700772,
        2850680,
        2828000,
        0.7211,
        None,
        0.7211,
        0.5106,
    ),
    Province(61, "Kalimantan Barat", "Kalimantan", 5695500, 5646268, 2743569, 2772900, 0.7903, 0.7903, 0.7996, 0.6639),
    Province(62, "Kalimantan Tengah", "Kalimantan", 2809700, 2825290, 1365377, 1358700, 0.824, 0.824, 0.7351, 0.7134),
    Province(
        63, "Kalimantan Selatan", "Kalimantan", 4273400, 4305281, 2128548, 2112400, 0.7176, 0.7176, 0.7782, 0.7213
    ),
    Province(64, "Kalimantan Timur", "Kalimantan", 4045900, 4123303, 1984638, 1951700, 0.8063, 0.8063, 0.7901, 0.8046),
    Province(65, "Kalimantan Utara", "Kalimantan", 739800, 770627, 366999, 351100, 0.6659, 0.6659, 0.7475, 0.7703),
    Province(71, "Sulawesi Utara", "Sulawesi", 2701800, 2645291, 1293557, 1322500, 0.7888, None, 0.7888, 0.6481),
    Province(72, "Sulawesi Tengah", "Sulawesi", 3121800, 3219494, 1566603, 1521300, 0.6444, None, 0.6444, 0.5822),
    Province(73, "Sulawesi Selatan", "Sulawesi", 9463400, 9528276, 4798901, 4760300, 0.7613, None, 0.7613, 0.6695),
    Province(74, "Sulawesi Tenggara", "Sulawesi", 2793100, 2824589, 1397211, 1378600, 0.7392, None, 0.7392, 0.6583),
    Province(75, "Gorontalo", "Sulawesi", 1227800, 1250960, 619465, 608700, 0.6835, None, None, 0.6377),
    Province(76, "Sulawesi Barat", "Sulawesi", 1503200, 1466741, 722208, 741600, 0.5911, 0.5911, 0.6078, 0.5989),
    Province(81, "Maluku", "Maluku-Papua", 1945600, 1935586, 966574, 961700, 0.6991, None, None, 0.5854),
    Province(82, "Maluku Utara", "Maluku-Papua", 1355600, 1394231, 664451, 660900, 0.6991, None, None, 0.5348),
    Province(91, "Papua", "Maluku-Papua", None, 1102360, 528187, None, 0.6991, None, None, 0.2987),
    Province(92, "Papua Barat", "Maluku-Papua", 578700, 576255, 279238, 274500, 0.6991, None, None, 0.6001),
    Province(93, "Papua Selatan", "Maluku-Papua", None, 562220, 269668, None, 0.6991, None, None, 0.2987),
    Province(94, "Papua Tengah", "Maluku-Papua", None, 1369112, 645601, None, 0.6146, None, 0.6146, 0.2987),
    Province(95, "Papua Pegunungan", "Maluku-Papua", None, 1470518, 683784, None, 0.573, 0.573, 0.4257, 0.2987),
    Province(96, "Papua Barat Daya", "Maluku-Papua", None, 623186, 299181, None, 0.6991, None, None, 0.6001),
)
BY_NAME: dict[str, Province] = {p.name: p for p in TABLE}


def reach_weights(names, population: str = "registry", internet: str = "apjii_latest") -> np.ndarray:
    """Share of reachable mothers in each province of ``names`` (in that order; sums to 1).

    ``w_k = women_k * internet_k``, normalised (module docstring). ``population`` and ``internet``
    choose the data (``POPULATION_CHOICES``, ``INTERNET_CHOICES``).
    """
    rows = [BY_NAME[n] for n in names]
    w = np.array([r.women(population) * r.internet_share(internet) for r in rows], dtype=float)
    return w / w.sum()


def expected_reached(counts, scale: float = 1.0, n_provinces: int | None = None) -> float:
    """Expected number of provinces with at least one of the real members, from simulated registered counts.

    ``counts`` are the simulated registered mothers per province (``c_k``, total ``C``), ``scale`` the real
    registered mothers one simulated one stands for (1 in this model: its registered count is IPM's, one to
    one), so ``M = scale * C`` real members. Rarefaction for ``M <= C``, Chao's extrapolation beyond (module
    docstring); ``n_provinces`` (default ``len(counts)``) bounds the provinces the extrapolation may add.
    0 when nobody registered; at ``scale = 1`` exactly the provinces with a simulated member.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    c = np.asarray(counts, dtype=float)
    if (c < 0).any():
        raise ValueError("counts must be non-negative")
    total = float(c.sum())
    if total == 0:
        return 0.0
    m = scale * total
    s_obs = int(np.count_nonzero(c))
    if m <= total:
        # binom(C - c_k, M) / binom(C, M) as gamma functions, in an order that is exactly 1 when c_k = 0
        rest = total - c
        room = rest >= m
        r = np.where(room, rest, m)  # any value >= m where there is no room (the term is 0 there)
        log_none = (gammaln(r + 1) - gammaln(total + 1)) + (gammaln(total - m + 1) - gammaln(r - m + 1))
        none = np.where(room, np.exp(log_none), 0.0)  # no sampled member in province k
        return float(np.sum(1.0 - none))
    f1, f2 = int(np.count_nonzero(c == 1)), int(np.count_nonzero(c == 2))
    f0 = (total - 1) / total * (f1 * f1 / (2 * f2) if f2 > 0 else f1 * (f1 - 1) / 2)
    f0 = min(f0, (len(c) if n_provinces is None else n_provinces) - s_obs)
    if f0 <= 0 or f1 == 0:
        return float(s_obs)
    return float(s_obs + f0 * (1.0 - (1.0 - f1 / (total * f0 + f1)) ** (m - total)))
