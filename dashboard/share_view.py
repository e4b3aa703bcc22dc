"""The design page's share buttons: the current design's report as HTML and as PDF, in one click each.

:func:`ShareButtons` (a Solara component, labelled in the page's language ``lang``) gives two downloads of the
report of the session's design (experiments/share.py): the form, the seed and the page's language
(``session.form``, ``session.seed``, ``session.lang``). The report is made when a button is clicked
(solara.FileDownload with a callable), not at every render: if the model on the page is that design and seed
run to its end, it is used as it is; otherwise the design is run once. The last few reports are kept
(:func:`report_html`), so the PDF after the HTML does not run the design again. Without Chromium the PDF
button is replaced by the one line saying why (the HTML download still works).

Plain functions for the tests: :func:`report_html`, :func:`report_pdf` and :func:`filename`.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import solara

from ibusim.experiments.share import design_report, find_chromium, no_chromium_message, to_pdf
from ibusim.i18n import gettext

from .session import Session

KEEP = 4  # reports kept, by design, seed and language
_reports: OrderedDict[tuple, str] = OrderedDict()
_reports_lock = threading.Lock()


def _key(session: Session) -> tuple:
    return (tuple(sorted((k, repr(v)) for k, v in session.form.items())), session.seed, session.lang)


def _finished_model(session: Session):
    """The session's model if it is the form's design with the form's seed, run to its end; else None."""
    with session.lock:
        m = session.model
        if m is None or m.running or session.pending:
            return None
        return m


def report_html(session: Session) -> str:
    """The report (HTML) of the session's design, seed and language; the same text again while they stay."""
    key = _key(session)
    with _reports_lock:
        if key in _reports:
            _reports.move_to_end(key)
            return _reports[key]
    model = _finished_model(session)
    if model is not None:
        with session.lock:  # the page's Play loop may not step it, but a reset may replace it: read it whole
            page = design_report(session.form, session.seed, session.lang, name=str(session.source), model=model)
    else:
        page = design_report(dict(session.form), session.seed, session.lang, name=str(session.source))
    with _reports_lock:
        _reports[key] = page
        while len(_reports) > KEEP:
            _reports.popitem(last=False)
    return page


def report_pdf(session: Session) -> bytes:
    """The report of :func:`report_html` printed to PDF (ShareError, one line, without Chromium)."""
    page = report_html(session)
    with tempfile.TemporaryDirectory(prefix="ibusim-share-") as tmp:
        path = to_pdf(page, Path(tmp) / "report.pdf", lang=session.lang)
        return path.read_bytes()


def filename(session: Session, ext: str) -> str:
    """The download's name: the design, the seed and the language (``ibusim-ipm-seed1-id.pdf``)."""
    stem = Path(str(session.source)).stem or "design"
    return f"ibusim-{stem}-seed{session.seed}-{session.lang}.{ext}"


@solara.component
def ShareButtons(session: Session, lang: str | None = None, form_v: solara.Reactive | None = None):
    """Two downloads, the report of the current design as HTML and as PDF (the one line why, without Chromium).

    ``lang`` is the page's language (default: the session's), an argument so that a switch re-renders the
    buttons in it (reacton re-renders a child only when its arguments change); ``form_v`` (the form's version
    counter, read here) re-renders them when the form changes, so the file names follow the seed and the design.
    """
    if form_v is not None:
        _v = form_v.value
    lang = lang or session.lang
    _ = gettext(lang)
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["share-buttons"]):
        solara.FileDownload(
            lambda: report_html(session).encode("utf-8"),
            filename=filename(session, "html"),
            label=_("Report (HTML)"),
            mime_type="text/html",
        )
        if find_chromium() is None:
            solara.Text(no_chromium_message(lang), classes=["share-no-pdf"])
        else:
            solara.FileDownload(
                lambda: report_pdf(session),
                filename=filename(session, "pdf"),
                label=_("Report (PDF)"),
                mime_type="application/pdf",
            )
