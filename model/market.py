"""Market size from public data: the mothers IPM's channels could reach (issue 10, requirement 5).

A pure module (no rule, no ``RULE``): the public figures behind the derived parameter
``market_size``, each as a :class:`Factor` with its value, a plausible range, where it comes
from and the sentence or table cell it was read from. The derivation, the sources and the
discussion (what "reachable" means, why the simulated population is a sample, and the
confounding of the market size with ``interest_rate``) are in ``docs/sources/market.md``.

The chain (each factor multiplies the one before)::

    millennials (born 1981-1996, SP2020)  x  women among them  x  ever married
      x  mothers among the ever married  x  internet users  x  Instagram users
    = reachable mothers (point, low, high)

The point value multiplies the factors' values; the low (high) end multiplies every factor's
low (high) end, so the range is wide on purpose: all errors in the same direction at once.

:func:`count_factor` is the multiplier the switch ``national_counts`` stands for
(``market_size / n_mothers`` when on, 1 when off). It is declared here for the lead to wire;
nothing in the model applies it yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PROVENANCES = ("observed", "derived", "assumed")


@dataclass(frozen=True)
class Factor:
    """One link of the derivation chain."""

    name: str
    value: float
    low: float
    high: float
    unit: str
    provenance: str  # "observed" | "derived" | "assumed"
    source: str  # publisher, title, year, address
    quote: str  # the sentence or table cells the value was read from ("" only if assumed)

    def __post_init__(self):
        if self.provenance not in PROVENANCES:
            raise ValueError(f"{self.name}: provenance {self.provenance!r}")
        if not self.low <= self.value <= self.high:
            raise ValueError(f"{self.name}: {self.value} outside [{self.low}, {self.high}]")
        if self.provenance != "assumed" and not (self.source.strip() and self.quote.strip()):
            raise ValueError(f"{self.name}: an observed or derived factor needs a source and a quote")


# --- the table the two derived shares come from -------------------------------------------
# BPS census portal, population aged 10+ by age group, sex and marital status (belum kawin / kawin /
# cerai hidup / cerai mati), https://sensus.bps.go.id/topik/tabular/sp2022/193/1/1 (the "sp2022" path
# is the Long Form of SP2020, fielded in 2022, as we read it; the page excerpt does not name it).
# Rows 25-29, 30-34, 35-39: the millennial cohort (born 1981-1996) was 26-41 in 2022.
WOMEN_25_39 = (10_977_945, 10_851_398, 10_504_708)  # Perempuan, Total
MEN_25_39 = (11_485_755, 11_215_437, 10_743_266)  # Laki-laki, Total
WOMEN_25_39_MARRIED = (8_299_688, 9_986_907, 10_068_330)  # Perempuan, Kawin
WOMEN_25_39_DIVORCED = (54_518, 61_663, 56_279)  # Perempuan, Cerai Hidup
WOMEN_25_39_WIDOWED = (9_503, 14_730, 20_380)  # Perempuan, Cerai Mati
_TABLE = (
    "BPS census portal, table 'status perkawinan' by age and sex, https://sensus.bps.go.id/topik/tabular/sp2022/193/1/1"
)
_QUOTE_ROWS = (
    "row 25-29: Laki-laki Total 11.485.755; Perempuan Kawin 8.299.688, Cerai Hidup 54.518, Cerai Mati 9.503, "
    "Total 10.977.945 | row 30-34: Laki-laki Total 11.215.437; Perempuan Kawin 9.986.907, Cerai Hidup 61.663, "
    "Cerai Mati 14.730, Total 10.851.398 | row 35-39: Laki-laki Total 10.743.266; Perempuan Kawin 10.068.330, "
    "Cerai Hidup 56.279, Cerai Mati 20.380, Total 10.504.708"
)
FEMALE_SHARE_25_39 = sum(WOMEN_25_39) / (sum(WOMEN_25_39) + sum(MEN_25_39))  # 0.4916
EVER_MARRIED_25_39 = (sum(WOMEN_25_39_MARRIED) + sum(WOMEN_25_39_DIVORCED) + sum(WOMEN_25_39_WIDOWED)) / sum(
    WOMEN_25_39
)  # 0.8837
MARRIED_25_39 = sum(WOMEN_25_39_MARRIED) / sum(WOMEN_25_39)  # 0.8769 (currently married only)

# the two Instagram figures bounding the Instagram factor
APJII_INSTAGRAM_2024 = 0.2969  # share of internet users naming Instagram among the social media they use
DATAREPORTAL_INSTAGRAM_USERS_2024 = 100.9e6  # Instagram users (ad audience, 18+), early 2024
DATAREPORTAL_INTERNET_USERS_2024 = 185.3e6  # internet users, early 2024
INSTAGRAM_HIGH = DATAREPORTAL_INSTAGRAM_USERS_2024 / DATAREPORTAL_INTERNET_USERS_2024  # 0.5445

FACTORS: tuple[Factor, ...] = (
    Factor(
        name="millennials",
        value=69_900_000,
        low=69_380_000,
        high=69_910_000,
        unit="persons",
        provenance="observed",
        source="BPS, Sensus Penduduk 2020 (SP2020) release of 21 January 2021, as reported by Tempo, 23 January "
        "2021, https://tempo.co/ekonomi/sensus-penduduk-2020-bps-generasi-z-dan-milenial-dominasi-jumlah-penduduk-ri-"
        "545922 (total 270.20 million; 25.87% x 270.20 million = 69.90 million). Low end: Kompas, 22 January 2021, "
        "https://money.kompas.com/read/2021/01/22/145001126/generasi-z-dan-milenial-dominasi-jumlah-penduduk-"
        "indonesia?page=all, which prints 69.38 million for the same 25.87%",
        quote='"Sementara, generasi milenial mencapai 69,90 juta jiwa atau 25,87 persen." (Meanwhile the millennial '
        'generation reaches 69.90 million people, or 25.87 percent.) Kompas: "jumlah penduduk paling dominan kedua '
        'berasal dari generasi milenial sebanyak 69,38 juta jiwa penduduk atau sebesar 25,87 persen"',
    ),
    Factor(
        name="female_share",
        value=round(FEMALE_SHARE_25_39, 4),
        low=0.490,
        high=0.4942,
        unit="share",
        provenance="derived",
        source=_TABLE + "; women / (women + men) aged 25-39. High end: SP2020 all ages, 49.42% women "
        "(Tempo, https://bisnis.tempo.co/read/1425905/bps-umumkan-sensus-penduduk-2020-jumlah-laki-laki-lebih-banyak-"
        "dari-perempuan)",
        quote=_QUOTE_ROWS,
    ),
    Factor(
        name="ever_married",
        value=round(EVER_MARRIED_25_39, 4),
        low=round(MARRIED_25_39, 4),
        high=0.93,
        unit="share",
        provenance="derived",
        source=_TABLE + "; (kawin + cerai hidup + cerai mati) / total, women aged 25-39. Low end: currently married "
        "only (0.877). High end (assumed): the cohort was 26-41 in 2022, older than the 25-39 rows, and the same "
        "table's 30-44 rows give about 0.96",
        quote=_QUOTE_ROWS,
    ),
    Factor(
        name="mothers",
        value=0.90,
        low=0.85,
        high=0.95,
        unit="share",
        provenance="assumed",
        source="no published share of ever-married women aged 28-43 with at least one child was found by the "
        "search. Assumed from the Long Form SP2020 total fertility rate of 2.18 (BPS, Berita Resmi Statistik "
        "No. 09/01/Th. XXVI, 30 January 2023) and early, near-universal marriage; cross-check: BPS Susenas March "
        "2023 counts 30.2 million children aged 0-6 "
        "(https://databoks.katadata.co.id/-/statistik/c64df36aafd25fb/anak-usia-dini-ri-capai-302-juta-jiwa-pada-"
        "2023-provinsi-mana-terbanyak)",
        quote='"Long Form SP2020 mencatat TFR sebesar 2,18" (the Long Form SP2020 records a TFR of 2.18); '
        '"anak usia dini 0-6 tahun di Indonesia mencapai 30,2 juta jiwa pada Maret 2023" (children aged 0-6 in '
        "Indonesia reached 30.2 million in March 2023)",
    ),
    Factor(
        name="internet",
        value=0.9317,
        low=0.86,
        high=0.95,
        unit="share",
        provenance="observed",
        source="APJII, Survei Penetrasi Internet Indonesia 2024 (fieldwork 18 Dec 2023 - 19 Jan 2024, 8,720 "
        "respondents), millennials' penetration, as reported by Databoks, 5 February 2024, "
        "https://databoks.katadata.co.id/datapublish/2024/02/05/penetrasi-internet-generasi-milenial-tertinggi-"
        "dibanding-kelompok-usia-lainnya-di-indonesia. Low end (assumed): women's penetration is lower than men's "
        "(85.5% against 87.6%, Suara, 31 January 2024) and national penetration was 73.7% in 2020 against 79.5% in "
        "2024 (APJII), so 2020-era millennial women sit nearer 0.86",
        quote='"Generasi kelompok berusia 28-43 tahun ini memiliki penetrasi internet sebesar 93,17% pada 2024." '
        "(This generation, aged 28-43, has an internet penetration of 93.17% in 2024.)",
    ),
    Factor(
        name="instagram",
        value=round((APJII_INSTAGRAM_2024 + INSTAGRAM_HIGH) / 2, 4),
        low=APJII_INSTAGRAM_2024,
        high=round(INSTAGRAM_HIGH, 4),
        unit="share of internet users",
        provenance="assumed",
        source="point assumed at the midpoint of two observed bounds. Low: APJII Survei Penetrasi Internet "
        "Indonesia 2024, apps used, as reported by Tagar, 20 September 2024, "
        "https://tagar.co/2024/09/20/aplikasi-medsos-yang-paling-banyak-dipakai1-di-indonesia-tahun-2024. High: "
        "We Are Social / Meltwater, Digital 2024 Indonesia: 100.9 million Instagram users aged 18+ "
        "(https://uniji.ac.id/component/content/article/social-media-habit?Itemid=101&catid=8) over 185.3 million "
        "internet users (https://www.meltwater.com/en/blog/social-media-statistics-indonesia) = 0.5445. No "
        "figure for women aged 28-43 was found",
        quote='APJII: "Disusul YouTube 50,84 persen; TikTok 34,36 persen; Instagram 29,69 persen" (followed by '
        'YouTube 50.84%, TikTok 34.36%, Instagram 29.69%); Digital 2024: "Instagram had 100.9 million users"; '
        '"bringing it to 185.3 million" (internet users)',
    ),
)

# APJII 2024 internet penetration by province: only the provinces the search found (11 of 38); names as in
# model/population.py's PROVINCES. The market's record of these figures (docs/sources/market.md); the model's
# regional reach reads the complete table of docs/sources/provinces.csv, model/provinces.py, whose
# internet_apjii_2024 column holds the same 11 values (tests/test_market.py checks it).
_AZ = "APJII, Survei Penetrasi Internet Indonesia 2024, via AZMedia, 1 Feb 2024, https://azmedia.co.id/?p=12013"
_NARASI = (
    "APJII, Survei Penetrasi Internet Indonesia 2024 (Kalimantan release), via Narasi, 2 Apr 2024, "
    "https://www.narasi.co/survey-apjii-2024-pengguna-internet-kaltim-tembus-3-juta-penduduk"
)
_BANTEN = (
    "APJII, Survei Penetrasi Internet Indonesia 2024 (Banten release), via Fajar Banten, 21 Mar 2024, "
    "https://fajarbanten.co.id/penetrasi-internet-di-banten-lemah-apjii-banten-masih-banyak-blankspot-internet/?amp=1"
)
PROVINCE_INTERNET_2024: tuple[tuple[str, float, str], ...] = (
    ("DI Yogyakarta", 0.8873, _AZ),
    ("DKI Jakarta", 0.8751, _AZ),
    ("Jawa Barat", 0.8552, _AZ),
    ("Banten", 0.8455, _BANTEN),
    ("Kalimantan Tengah", 0.8240, _NARASI),
    ("Kalimantan Timur", 0.8063, _NARASI),
    ("Kalimantan Barat", 0.7903, _NARASI),
    ("Kalimantan Selatan", 0.7176, _NARASI),
    ("Kalimantan Utara", 0.6659, _NARASI),
    ("Sulawesi Barat", 0.5911, _AZ),
    ("Papua Pegunungan", 0.5730, _AZ),
)
NATIONAL_INTERNET_2024 = 0.795  # APJII 2024: 221,563,479 of 278,696,200 ("menyentuh angka 79,5%")


def factor(name: str) -> Factor:
    """The factor called ``name``."""
    for f in FACTORS:
        if f.name == name:
            return f
    raise KeyError(name)


def reachable_mothers() -> tuple[int, int, int]:
    """Reachable mothers (point, low, high): the product of the factors' values, lows and highs."""
    point = math.prod(f.value for f in FACTORS)
    low = math.prod(f.low for f in FACTORS)
    high = math.prod(f.high for f in FACTORS)
    return round(point), round(low), round(high)


MARKET_SIZE = round(reachable_mothers()[0], -3)  # the parameter default: the point value to the nearest 1,000


def scale_factor(n_simulated: int, reachable: float | None = None) -> float:
    """How many reachable mothers one simulated mother stands for: ``reachable / n_simulated``."""
    if n_simulated <= 0:
        raise ValueError(f"n_simulated must be positive, got {n_simulated}")
    reach = reachable_mothers()[0] if reachable is None else reachable
    return reach / n_simulated
