"""The design and comparison the shareable-report tests read (tests/test_share.py, tests/browser/test_share_page.py).

The reports themselves are the session fixtures ``report_id`` and ``comparison`` of tests/conftest.py,
built once per worker from these.
"""

from __future__ import annotations

import datetime as dt

SMALL = {"n_mothers": 2000}  # a tiny population: a run in about a second
DESIGN = {**SMALL, "ibu_pebisnis_price": 1_500_000.0, "free_class": False}
DAY = dt.date(2026, 11, 30)  # the report's date, fixed so that pages compare equal
