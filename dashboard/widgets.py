"""Widgets of the dashboard: LiveChart (fast chart updates), LangCookie, FilePicker, and money kept on one line.

``LangCookie`` remembers the language; ``FilePicker`` is a button that opens a file (no count after its
label); :func:`keep_money_together` keeps "Rp" from wrapping away from its number.

Solara's own ``VegaLite`` widget re-embeds the whole chart (parse, compile,
render as SVG, after a 100 ms debounce) whenever anything changes; stepping a run
changes the data every week, so that made a step plus redraw take 250 ms here.
``LiveChart`` takes the spec (with its main data as the named dataset ``table``)
and the data rows separately: the spec is embedded once, and new rows go in
through a Vega changeset, drawn on a canvas. The browser-side code is
``vue/live_chart.vue``; the Vega libraries come from Solara's asset cache.
"""

from __future__ import annotations

import base64
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


NBSP = "\u00a0"  # a space a line never breaks at


def keep_money_together(text: str) -> str:
    """``text`` with the space after each "Rp" made non-breaking, so that "Rp" never wraps away from its number.

    For what the page shows (table cells, hints, labels); ``ibusim.numbers.format_number`` keeps its plain
    space (the command line, the CSV files and the fields a person types into use it).
    """
    return str(text).replace("Rp ", "Rp" + NBSP)


class FilePicker(v.VuetifyTemplate):
    """A button that opens the system's file chooser (on a phone too, where nothing can be dropped).

    Unlike ipywidgets' FileUpload, its label is only ``label`` (no count of files chosen after it). The
    chosen file goes to the server as ``picked``: ``{"name", "size", "data" (base64), "n"}`` (``n`` counts
    the choices, so that choosing the same file again is a change too); a file larger than ``max_bytes`` is
    not read (``data`` is missing) and :func:`picked_file` says why. Give the callback as ``on_picked``.
    """

    template = traitlets.Unicode(
        """
<template>
  <span class="ibusim-file-picker">
    <v-btn class="file-picker-btn" style="max-width: 100%" @click="$refs.input.click()">
      <v-icon left>mdi-cloud-upload-outline</v-icon>{{ label }}
    </v-btn>
    <input ref="input" type="file" :accept="accept" style="display: none" @change="choose" />
  </span>
</template>
<script>
module.exports = {
    methods: {
        choose(event) {
            const file = event.target.files[0];
            event.target.value = "";  // choosing the same file again fires another change
            if (!file) { return; }
            const n = ((this.picked && this.picked.n) || 0) + 1;
            if (file.size > this.max_bytes) {
                this.picked = {name: file.name, size: file.size, n: n};
                return;
            }
            const reader = new FileReader();
            reader.onload = () => {
                const url = reader.result;
                this.picked = {name: file.name, size: file.size, n: n, data: url.slice(url.indexOf(",") + 1)};
            };
            reader.readAsDataURL(file);
        }
    }
}
</script>
"""
    ).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(1_000_000).tag(sync=True)
    picked = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)


def picked_file(picked: dict | None, max_bytes: int) -> tuple[str, bytes | None]:
    """The name and bytes of a :class:`FilePicker` choice; bytes None when the file was too large to read.

    ValueError (one line) when ``picked`` is not what the picker sends.
    """
    if not isinstance(picked, dict) or not isinstance(picked.get("name"), str):
        raise ValueError(f"not a file choice: {picked!r:.80}")
    data = picked.get("data")
    if data is None or int(picked.get("size", 0)) > max_bytes:
        return picked["name"], None
    raw = base64.b64decode(data, validate=True)
    return picked["name"], raw if len(raw) <= max_bytes else None
