"""LiveChart: a Vega-Lite chart whose data update without re-compiling the chart; LangCookie: remembers the language.

Solara's own ``VegaLite`` widget re-embeds the whole chart (parse, compile,
render as SVG, after a 100 ms debounce) whenever anything changes; stepping a run
changes the data every week, so that made a step plus redraw take 250 ms here.
``LiveChart`` takes the spec (with its main data as the named dataset ``table``)
and the data rows separately: the spec is embedded once, and new rows go in
through a Vega changeset, drawn on a canvas. The browser-side code is
``vue/live_chart.vue``; the Vega libraries come from Solara's asset cache.
"""

from __future__ import annotations

import os

import ipyvuetify as v
import traitlets


class LiveChart(v.VuetifyTemplate):
    """A Vega-Lite chart embedded once; new ``values`` go in as a Vega changeset (see the module docstring)."""

    template_file = os.path.join(os.path.dirname(os.path.realpath(__file__)), "vue", "live_chart.vue")
    spec = traitlets.Dict().tag(sync=True)
    values = traitlets.List().tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self):
        import solara.settings

        if not solara.settings.assets.proxy:
            return solara.settings.assets.cdn
        return None


class LangCookie(v.VuetifyTemplate):
    """Writes the language chosen on the page to a cookie, so the next visit (or a reload) starts in it.

    Invisible. ``lang`` is "" until the person chooses; then the browser stores ``name=lang`` for a
    year (path ``/``, SameSite=Lax). The server reads it from the websocket's request
    (``solara.lab.cookies``) when the next page starts.
    """

    template = traitlets.Unicode(
        """
<template><span style="display: none"></span></template>
<script>
module.exports = {
    mounted() { this.save(); },
    watch: { lang() { this.save(); } },
    methods: {
        save() {
            if (this.lang && /^[a-z]{2}$/.test(this.lang) && /^[a-z_]+$/.test(this.name)) {
                document.cookie = this.name + "=" + this.lang + "; path=/; max-age=31536000; SameSite=Lax";
            }
        }
    }
}
</script>
"""
    ).tag(sync=True)
    lang = traitlets.Unicode("").tag(sync=True)
    name = traitlets.Unicode("ibusim_lang").tag(sync=True)
