"""scripts/solara_assets.py: Solara's offline browser assets (no network: a fake npm)."""

from __future__ import annotations

import importlib.util
import stat
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("solara_assets", ROOT / "scripts" / "solara_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


assets = load_script()

FAKE_NPM = textwrap.dedent(f"""\
    #!{sys.executable}
    # fake `npm pack NAME... --json --ignore-scripts --pack-destination DIR`: per name a tarball
    # holding package/package.json and package/dist/main.js; like npm, one name containing
    # "missing" (a 404) fails the whole call. Each call is one line of the "calls" file.
    import io, json, sys, tarfile
    from pathlib import Path
    args = sys.argv[1:]
    names, dest = args[1 : args.index("--json")], Path(args[args.index("--pack-destination") + 1])
    with open(Path(__file__).with_name("calls"), "a") as f:
        f.write(" ".join(names) + "\\n")
    missing = [name for name in names if "missing" in name]
    if missing:
        print("npm error code E404", file=sys.stderr)
        print(f"npm error 404 Not Found - GET https://registry.npmjs.org/{{missing[0]}}", file=sys.stderr)
        sys.exit(1)
    packed = []
    for name in names:
        tgz = dest / (name.replace("/", "-").replace("@", "") + ".tgz")
        with tarfile.open(tgz, "w:gz") as tar:
            for path, data in (("package/package.json", b"{{}}"), ("package/dist/main.js", name.encode())):
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        packed.append({{"name": name.rsplit("@", 1)[0], "filename": tgz.name}})
    print(json.dumps(packed))
""")


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """A fake npm first on PATH; returns the file listing its calls (one line each: the packages asked for)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir / "calls"


def calls(log: Path) -> list[list[str]]:
    """The packages asked for by each npm call, in call order."""
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def test_fetches_every_asset_the_installed_solara_loads():
    # a solara upgrade that asks for a new package or version must update PACKAGES,
    # otherwise the dashboard page is blank offline
    assert assets.referenced_packages() <= set(assets.PACKAGES)
    assert "@widgetti/solara-vuetify-app@10.1.1" in assets.referenced_packages()  # the scan works


def test_fills_the_layout_solara_serves_then_does_nothing(tmp_path, monkeypatch, fake_npm):
    monkeypatch.setattr(assets, "PACKAGES", ("@scope/app@1.2.3", "vega@5"))
    cache = tmp_path / "cdn"
    assert assets.main([str(cache)]) == 0
    # <dir>/<package>@<version as solara asks for it>/<path inside the npm tarball's package/>
    assert (cache / "@scope" / "app@1.2.3" / "dist" / "main.js").read_text() == "@scope/app@1.2.3"
    assert (cache / "vega@5" / "package.json").is_file()
    assert not [p for p in cache.rglob(".tmp-*")]  # temporary directories are gone
    assert calls(fake_npm) == [["@scope/app@1.2.3", "vega@5"]]  # one npm call for all

    assert assets.main([str(cache)]) == 0  # up to date: npm is not run again
    assert len(calls(fake_npm)) == 1


def test_refetches_only_what_is_missing_or_incomplete(tmp_path, monkeypatch, fake_npm):
    monkeypatch.setattr(assets, "PACKAGES", ("a@1.0.0", "b@2.0.0"))
    cache = tmp_path / "cdn"
    assert assets.main([str(cache)]) == 0
    (cache / "b@2.0.0" / "package.json").unlink()  # e.g. a few files the server cached itself
    assert assets.main([str(cache)]) == 0
    assert calls(fake_npm) == [["a@1.0.0", "b@2.0.0"], ["b@2.0.0"]]
    assert (cache / "b@2.0.0" / "package.json").is_file()


def test_a_failed_pack_is_one_line_and_keeps_the_others(tmp_path, monkeypatch, fake_npm, capsys):
    """When the call for all fails, each package is packed alone: the error names the one at fault."""
    monkeypatch.setattr(assets, "PACKAGES", ("good@1.0.0", "missing-package@1.0.0"))
    cache = tmp_path / "cdn"
    assert assets.main([str(cache)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "solara_assets.py: npm pack missing-package@1.0.0 failed: "
        "npm error 404 Not Found - GET https://registry.npmjs.org/missing-package@1.0.0"
    )
    assert (cache / "good@1.0.0" / "package.json").is_file()
    assert not (cache / "missing-package@1.0.0").exists()
    assert not (cache / assets.STAMP_NAME).exists()  # so that the next run tries again
    assert calls(fake_npm)[0] == ["good@1.0.0", "missing-package@1.0.0"]
    assert sorted(calls(fake_npm)[1:]) == [["good@1.0.0"], ["missing-package@1.0.0"]]


def test_a_timeout_is_one_line_and_not_retried_package_by_package(tmp_path, monkeypatch, fake_npm, capsys):
    """An npm that does not answer in time is reported once, not retried for each package."""
    monkeypatch.setattr(assets, "PACKAGES", ("a@1.0.0", "b@1.0.0"))
    monkeypatch.setattr(assets, "NPM_TIMEOUT_S", 0.01)
    npm = fake_npm.with_name("npm")
    npm.write_text(npm.read_text().replace("import io,", "import time; time.sleep(30)\nimport io,"))
    assert assets.main([str(tmp_path / "cdn")]) == 1
    err = capsys.readouterr().err
    assert err == "solara_assets.py: npm pack a@1.0.0 b@1.0.0 took more than 0.01 s (is the npm registry reachable?)\n"


def test_tarballs_are_matched_to_packages_by_name_never_assumed(tmp_path, monkeypatch, fake_npm):
    """A listing of the tarballs in another order than asked is caught: each package is then packed alone."""
    monkeypatch.setattr(assets, "PACKAGES", ("a@1.0.0", "b@1.0.0"))
    npm = fake_npm.with_name("npm")
    npm.write_text(npm.read_text().replace("print(json.dumps(packed))", "print(json.dumps(packed[::-1]))"))
    cache = tmp_path / "cdn"
    assert assets.main([str(cache)]) == 0
    assert (cache / "a@1.0.0" / "dist" / "main.js").read_text() == "a@1.0.0"
    assert (cache / "b@1.0.0" / "dist" / "main.js").read_text() == "b@1.0.0"
    assert sorted(calls(fake_npm)[1:]) == [["a@1.0.0"], ["b@1.0.0"]]


def test_without_npm_it_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm there
    monkeypatch.setattr(assets, "PACKAGES", ("a@1.0.0",))
    assert assets.main([str(tmp_path / "cdn")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "npm not found" in err and "apt-get install -y npm" in err


def test_default_directory_is_the_one_the_server_reads(monkeypatch):
    monkeypatch.delenv("SOLARA_ASSETS_PROXY_CACHE_DIR", raising=False)
    assert assets.default_cache_dir() == Path(sys.prefix) / "share" / "solara" / "cdn"
    monkeypatch.setenv("SOLARA_ASSETS_PROXY_CACHE_DIR", "/somewhere/cdn")
    assert assets.default_cache_dir() == Path("/somewhere/cdn")
