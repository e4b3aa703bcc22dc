#!/usr/bin/env bash
# Set up ibusim in ./.venv: find a Python >= 3.12, create the virtual environment,
# install the project (and, with --test, what the tests need). Safe to rerun: it
# reinstalls only when pyproject.toml changed since the last successful set-up.
#
#   bash scripts/setup.sh          # runtime only
#   bash scripts/setup.sh --test   # runtime + test tools
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    *) echo "setup.sh: unknown option '$arg' (allowed: --test)" >&2; exit 2 ;;
  esac
done

is_ok_python() {  # prints nothing; status 0 when "$1" runs and is >= 3.12
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidates=()
  [ -n "${IBUSIM_PYTHON:-}" ] && candidates+=("$IBUSIM_PYTHON")
  if command -v pyenv >/dev/null 2>&1; then
    for v in 3.12 3.13 3.14; do
      p=$(PYENV_VERSION=$(pyenv versions --bare 2>/dev/null | grep -E "^${v//./\\.}(\.|$)" | tail -n 1) pyenv which python3 2>/dev/null || true)
      [ -n "$p" ] && candidates+=("$p")
    done
  fi
  for name in python3.12 python3.13 python3.14 python3; do
    p=$(command -v "$name" 2>/dev/null || true)
    [ -n "$p" ] && candidates+=("$p")
  done
  for p in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -x "$p" ] && candidates+=("$p")
  done
  for p in "${candidates[@]}"; do
    if is_ok_python "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

# The browser tests (tests/browser) drive Debian's Chromium through playwright, as its
# headless shell (chromium-headless-shell: the same Blink and V8 without the browser's own
# user interface; measured, the tests' Chromium CPU a quarter lower), which also prints the
# PDF reports; the full chromium is what benchmarks/dashboard_speed.py uses. stress-ng
# keeps both cores busy to show the suite green under load (.ci/run --under-load). One
# apt-get step installs whichever of them is missing; it runs in the background, beside the
# Python install and the asset fetch, and is waited for before the end (also on an error:
# an apt-get stopped halfway would leave dpkg to repair).
test_tools_missing() {
  local what="the test tools (Chromium at /usr/bin/chromium and /usr/bin/chromium-headless-shell for tests/browser, stress-ng for .ci/run --under-load)"
  echo "setup.sh: $what: $1 (Debian: apt-get install -y chromium chromium-headless-shell stress-ng; never 'playwright install')" >&2
  exit 1
}
apt_pid=""
apt_log=""
assets_pid=""
# on any exit before the end, let the background jobs finish rather than leave them running unseen
wait_for_background() {
  [ -z "$assets_pid" ] || wait "$assets_pid" 2>/dev/null || true
  if [ -n "$apt_pid" ]; then
    echo "setup.sh: waiting for apt-get to finish" >&2
    wait "$apt_pid" 2>/dev/null || true
    rm -f "$apt_log"
  fi
}
trap wait_for_background EXIT
if [ "$want_test" = 1 ]; then
  packages=()
  [ -x /usr/bin/chromium ] || packages+=(chromium)
  [ -x /usr/bin/chromium-headless-shell ] || packages+=(chromium-headless-shell)
  command -v stress-ng >/dev/null 2>&1 || packages+=(stress-ng)
  if [ "${#packages[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || test_tools_missing "apt-get is not available here, install ${packages[*]} another way"
    as_root=()
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
      else
        test_tools_missing "installing ${packages[*]} needs root (or password-less sudo)"
      fi
    fi
    echo "setup.sh: installing Debian's ${packages[*]} for the tests (apt-get, in the background: a minute or two)"
    apt_log=$(mktemp)
    {
      ${as_root[@]+"${as_root[@]}"} apt-get update -q \
        && ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"
    } </dev/null >"$apt_log" 2>&1 &
    apt_pid=$!
  fi
fi

if [ -x .venv/bin/python ] && ! is_ok_python .venv/bin/python; then
  echo "setup.sh: .venv has Python < 3.12; recreating it" >&2
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  if ! PY=$(find_python); then
    echo "setup.sh: ibusim needs Python >= 3.12 and none was found (tried IBUSIM_PYTHON, pyenv, python3.12/3.13/3.14, python3). Install one, or set IBUSIM_PYTHON=/path/to/python3.12." >&2
    exit 1
  fi
  echo "setup.sh: creating .venv with $PY ($("$PY" -V 2>&1))"
  "$PY" -m venv .venv
fi

extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.ibusim-installed${extras}"
hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
# a test install also satisfies a runtime-only request
if [ "$want_test" = 0 ] && [ -f ".venv/.ibusim-installed[test]" ] && [ "$(cat ".venv/.ibusim-installed[test]")" = "$hash" ]; then
  stamp=".venv/.ibusim-installed[test]"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "setup.sh: installing ibusim${extras} into .venv (about a minute the first time)"
  # the browser assets are fetched meanwhile (npm, no Python package needed); checked below
  .venv/bin/python scripts/solara_assets.py --packages-only >/dev/null 2>&1 &
  assets_pid=$!
  # uv (from PyPI, into .venv) installs the same packages as pip, several times faster;
  # pip does it when uv cannot be had
  if [ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then
    installer=uv
    # bytecode is written below, without the packages' own test suites (pip writes all of it)
    .venv/bin/uv pip install --quiet --python .venv/bin/python -e ".${extras}" || installer=""
  else
    installer=""
  fi
  if [ -z "$installer" ]; then
    echo "setup.sh: uv could not install it (see above if it said why); installing with pip instead (slower)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory" || true
  fi
  # the .pyc files now: with PYTHONDONTWRITEBYTECODE set, as on some machines, every process would otherwise
  # compile pandas, scipy, ... again. The packages' own test suites (a quarter of their source) and pip are
  # never imported here: skipped (uv's --compile-bytecode compiled them too, about 9 s more on 2 cores)
  if [ -n "$installer" ]; then  # a file that does not compile (Python 2 leftovers) is the package's business
    .venv/bin/python -m compileall -q -j 0 -x '/(tests?|pip)/' .venv/lib/python*/site-packages >/dev/null || true
  fi
  .venv/bin/python -c "import ibusim.model, ibusim.experiments, mesa" || { echo "setup.sh: install failed" >&2; exit 1; }
  echo "$hash" > "$stamp"
fi
# the project's own modules too (every test's, command's and worker's process imports them; about a second,
# and nothing when they are compiled already). An edited file's stale .pyc is ignored by Python.
.venv/bin/python -m compileall -q -j 0 model experiments dashboard ibusim

# Solara's browser assets (Vue app, requirejs, fonts, vega, ...) from the npm registry into
# .venv/share/solara/cdn: without them the dashboard page stays blank offline. Fast when present.
# (a failed early fetch is retried here, with its message)
[ -z "$assets_pid" ] || wait "$assets_pid" || true
assets_pid=""
.venv/bin/python scripts/solara_assets.py || { echo "setup.sh: could not fetch the dashboard's browser assets (see the line above)" >&2; exit 1; }

if [ -n "$apt_pid" ]; then
  apt_status=0
  wait "$apt_pid" || apt_status=$?
  apt_pid=""
  if [ "$apt_status" != 0 ]; then
    tail -n 5 "$apt_log" >&2; rm -f "$apt_log"
    test_tools_missing "apt-get failed (its last lines are above)"
  fi
  rm -f "$apt_log"
  [ -x /usr/bin/chromium ] || test_tools_missing "apt-get ran but /usr/bin/chromium is missing"
  [ -x /usr/bin/chromium-headless-shell ] || test_tools_missing "apt-get ran but /usr/bin/chromium-headless-shell is missing"
  command -v stress-ng >/dev/null 2>&1 || test_tools_missing "apt-get ran but stress-ng is missing"
fi
