"""Fill Solara's browser-asset cache from the npm registry, so the dashboard works offline.

Solara's pages load their JavaScript and CSS (the Vue app, requirejs, font-awesome,
vega, mermaid, katex, ...) through the server's ``/_solara/cdn/<package>@<version>/<path>``
route. The server answers from its proxy cache, ``<dir>/<package>@<version>/<path>``,
and only on a miss fetches from cdn.jsdelivr.net, which is unreachable here: the page
stays blank and the server logs "Could not load URL". This script fills that cache with
``npm pack`` (the npm registry is reachable; one call for all packages), one directory per
package, named exactly as Solara asks for it (``vega@5``, not ``vega@5.33.1``).

    .venv/bin/python scripts/solara_assets.py          # cache of this Python's Solara
    .venv/bin/python scripts/solara_assets.py DIR      # another cache directory
    .venv/bin/python scripts/solara_assets.py --packages-only  # fetch only (before Solara is installed)

The directory is, in order: the argument, ``$SOLARA_ASSETS_PROXY_CACHE_DIR`` (which the
server reads too), ``<sys.prefix>/share/solara/cdn`` (the server's default).

Safe to rerun: a stamp file in the directory records the package list and the Solara
version; when both match and every package is present it exits at once. Each package
is unpacked into a temporary directory beside its final place and renamed into place,
so an interrupted run never leaves a half-filled package that looks complete.
``--packages-only`` fetches the missing packages and stops there (no stamp, no check of what
Solara loads): scripts/setup.sh runs it beside the install, then the full check after it.
Standard library only (it runs before anything else is checked).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata, util
from pathlib import Path

# Directory name Solara requests (what follows "/_solara/cdn/" up to the file path).
# The npm spec is the same string; ranges such as "vega@5" resolve to the newest 5.x
# once, on the first fill. Asked for by solara 1.64.1 (see referenced_packages()).
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",  # the Vue 2 app: page shell, widgets (ipyvuetify < 2)
    "@widgetti/solara-vuetify3-app@5.2.0",  # the same for ipyvuetify 3
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",  # solara.GridDraggable, SolaraViz layouts
    "vega@5",  # solara.FigureAltair (vega-lite charts)
    "vega-lite@5",
    "vega-embed@6",
    "mermaid@10.8.0",  # solara.Markdown diagrams
    "katex@0.16.9",  # solara.Markdown maths
)

STAMP_NAME = ".ibusim-solara-assets"
COMPLETE_MARKER = "package.json"  # every npm tarball has one; Solara itself never writes it
NPM_TIMEOUT_S = 300
PARALLEL_PACKS = 4


class AssetError(RuntimeError):
    """Filling the cache failed (one line, for the user)."""


class NpmTimeout(AssetError):
    """``npm pack`` did not finish in time (retrying package by package would not help)."""


def default_cache_dir() -> Path:
    """Solara's asset proxy cache: $SOLARA_ASSETS_PROXY_CACHE_DIR, else <venv>/share/solara/cdn."""
    env = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def solara_version() -> str:
    """The installed Solara version."""
    try:
        return metadata.version("solara")
    except metadata.PackageNotFoundError:
        return "not installed"


def stamp_text() -> str:
    """What the cache's stamp file holds: the Solara version and the packages fetched for it."""
    return json.dumps({"solara": solara_version(), "packages": list(PACKAGES)}, indent=1) + "\n"


def is_complete(cache_dir: Path, name: str) -> bool:
    """Whether package directory ``name`` was unpacked completely."""
    return (cache_dir / name / COMPLETE_MARKER).is_file()


def up_to_date(cache_dir: Path) -> bool:
    """Whether the cache was filled for this Solara version and every package is complete."""
    stamp = cache_dir / STAMP_NAME
    try:
        if stamp.read_text() != stamp_text():
            return False
    except OSError:
        return False
    return all(is_complete(cache_dir, name) for name in PACKAGES)


# `${this.getCdn()}/vega@5/build/...`, `{{cdn}}/@widgetti/solara-vuetify-app@10.1.1/dist/...`,
# `fontawesome_path = "/font-awesome@4.5.0/css/..."`; a version made of a template
# expression (`echarts@${version}`) is not a literal and is not matched.
_CDN_REFERENCE = re.compile(
    r"""(?:getCdn\(\)\}|\{\{\s*cdn\s*\}\}|fontawesome_path\s*:\s*str\s*=\s*["'])"""
    r"""/((?:@[\w.-]+/)?[\w.-]+@[\w.+-]+)/"""
)


def referenced_packages() -> set[str]:
    """The ``package@version`` directories the installed Solara loads through its cdn route.

    Those its own pages and widgets name with a literal version (its documentation website excluded).
    """
    spec = util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        return set()
    root = Path(next(iter(spec.submodule_search_locations)))
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.suffix not in {".py", ".vue", ".j2", ".html", ".js"} or "website" in path.relative_to(root).parts:
            continue
        try:
            found.update(_CDN_REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    return found


def npm_executable() -> str:
    """The npm command (one clear error when it is missing)."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "npm not found: install Node.js and npm (Debian: apt-get install -y npm), "
            "which fetch Solara's browser assets from the npm registry"
        )
    return npm


def npm_pack(npm: str, names: list[str], dest: Path) -> list[Path]:
    """``npm pack`` every package of ``names`` into ``dest`` in one call; their tarballs, in order.

    One call, not one per package: each npm start costs about a CPU second, the downloads
    run in parallel inside npm. Raises :class:`AssetError` naming the first error npm printed.
    """
    label = " ".join(names)
    try:
        proc = subprocess.run(
            [npm, "pack", *names, "--json", "--ignore-scripts", "--pack-destination", str(dest)],
            cwd=dest,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        raise NpmTimeout(
            f"npm pack {label} took more than {NPM_TIMEOUT_S} s (is the npm registry reachable?)"
        ) from None
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
        errors = [
            ln
            for ln in lines
            if ln.startswith(("npm error", "npm ERR!")) and not re.search(r" code |complete log of this run", ln)
        ] or lines
        detail = errors[0] if errors else f"exit status {proc.returncode}"
        raise AssetError(f"npm pack {label} failed: {detail}")
    try:
        packed = [(entry["name"], dest / entry["filename"]) for entry in json.loads(proc.stdout)]
    except (ValueError, TypeError, KeyError):
        raise AssetError(f"npm pack {label}: unexpected output {proc.stdout[:200]!r}") from None
    # "@scope/app@1.2.3" -> "@scope/app": npm lists the tarballs in the order it was given the names
    if [name for name, _ in packed] != [spec.rsplit("@", 1)[0] for spec in names]:
        raise AssetError(f"npm pack {label} packed {[name for name, _ in packed]}, not the packages asked for")
    if not all(tarball.is_file() for _, tarball in packed):
        raise AssetError(f"npm pack {label} listed tarballs it did not write")
    return [tarball for _, tarball in packed]


def unpack(tarball: Path, cache_dir: Path, name: str) -> None:
    """Move the contents of npm tarball ``tarball`` to ``cache_dir/name``, atomically."""
    final = cache_dir / name
    final.parent.mkdir(parents=True, exist_ok=True)  # "@widgetti/" for scoped packages
    with tempfile.TemporaryDirectory(prefix=".tmp-", dir=final.parent) as tmp:
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(unpacked, filter="data")
        # npm tarballs hold one top-level directory, normally "package/"
        tops = list(unpacked.iterdir())
        if len(tops) != 1 or not tops[0].is_dir():
            raise AssetError(f"npm pack {name}: unexpected tarball layout {sorted(p.name for p in tops)}")
        if not (tops[0] / COMPLETE_MARKER).is_file():
            raise AssetError(f"npm pack {name}: the tarball has no {COMPLETE_MARKER}")
        if final.exists():  # incomplete: e.g. a few files the server cached from the CDN once
            shutil.rmtree(final)
        os.replace(tops[0], final)


def pack_and_unpack(npm: str, cache_dir: Path, name: str) -> None:
    """``npm pack name`` and move the tarball's contents to ``cache_dir/name``, atomically."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".tmp-", dir=cache_dir) as tmp:
        (tarball,) = npm_pack(npm, [name], Path(tmp))
        unpack(tarball, cache_dir, name)


def fetch(npm: str, cache_dir: Path, names: list[str]) -> None:
    """Fill ``cache_dir`` with ``names``: one ``npm pack`` for all, else one per package.

    When the call for all fails, each package is packed on its own (in parallel), so that
    the error names the package at fault and the others are kept for the next run.
    """
    try:
        with tempfile.TemporaryDirectory(prefix=".tmp-", dir=cache_dir) as tmp:
            tarballs = npm_pack(npm, names, Path(tmp))
            with ThreadPoolExecutor(max_workers=PARALLEL_PACKS) as pool:
                for future in [pool.submit(unpack, t, cache_dir, n) for t, n in zip(tarballs, names)]:
                    future.result()
        return
    except NpmTimeout:
        raise
    except AssetError:
        if len(names) == 1:
            raise
    with ThreadPoolExecutor(max_workers=PARALLEL_PACKS) as pool:
        futures = [pool.submit(pack_and_unpack, npm, cache_dir, name) for name in names]
        for future in futures:
            future.result()  # the first failure, in list order


def fill(cache_dir: Path, packages_only: bool = False) -> list[str]:
    """Fill ``cache_dir``; return the packages fetched (empty when it was up to date).

    With ``packages_only``, only fetch: no stamp, no check of the packages Solara loads.
    """
    if not packages_only and up_to_date(cache_dir):
        return []
    missing = [name for name in PACKAGES if not is_complete(cache_dir, name)]
    if missing:
        npm = npm_executable()
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise AssetError(f"cannot create {cache_dir}: {e.strerror or e}") from None
        fetch(npm, cache_dir, missing)
    if packages_only:
        return missing
    unknown = sorted(referenced_packages() - set(PACKAGES))
    if unknown:
        print(
            f"solara_assets.py: warning: solara {solara_version()} also loads {', '.join(unknown)}, "
            "which this script does not fetch (add to PACKAGES in scripts/solara_assets.py)",
            file=sys.stderr,
        )
    (cache_dir / STAMP_NAME).write_text(stamp_text())
    return missing


def main(argv: list[str] | None = None) -> int:
    """Fill the cache (``python scripts/solara_assets.py [CACHE_DIR]``); return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    packages_only = "--packages-only" in args
    args = [a for a in args if a != "--packages-only"]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: solara_assets.py [--packages-only] [CACHE_DIR]", file=sys.stderr)
        return 2
    cache_dir = Path(args[0]) if args else default_cache_dir()
    try:
        fetched = fill(cache_dir, packages_only=packages_only)
    except AssetError as e:
        print(f"solara_assets.py: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"solara_assets.py: cannot fill {cache_dir}: {e}", file=sys.stderr)
        return 1
    if fetched:
        print(f"solara_assets.py: fetched {len(fetched)} packages from npm into {cache_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
