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
    # fake `npm pack NAME --json --ignore-scripts --pack-destination DIR`: a tarball holding
    # package/package.json and package/dist/NAME.js; names containing "missing" are a 404
    import io, json, sys, tarfile
    from pathlib import Path
    args = sys.argv[1:]
    name, dest = args[1], Path(args[args.index("--pack-destination") + 1])
    with open(Path(__file__).with_name("calls"), "a") as f:
        f.write(name + "\\n")
    if "missing" in name:
        print("npm error code E404", file=sys.stderr)
        print(f"npm error 404 Not Found - GET https://registry.npmjs.org/{{name}}", file=sys.stderr)
        sys.exit(1)
    tgz = dest / (name.replace("/", "-").replace("@", "") + ".tgz")
    with tarfile.open(tgz, "w:gz") as tar:
        for path, data in (("package/package.json", b"{{}}"), ("package/dist/main.js", name.encode())):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    print(json.dumps([{{"filename": tgz.name}}]))
""")


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """A fake npm first on PATH; returns the file listing the packages it was asked for."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir / "calls"


def calls(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


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
    assert sorted(calls(fake_npm)) == ["@scope/app@1.2.3", "vega@5"]

    assert assets.main([str(cache)]) == 0  # up to date: npm is not run again
    assert len(calls(fake_npm)) == 2


def test_refetches_only_what_is_missing_or_incomplete(tmp_path, monkeypatch, fake_npm):
    monkeypatch.setattr(assets, "PACKAGES", ("a@1.0.0", "b@2.0.0"))
    cache = tmp_path / "cdn"
    assert assets.main([str(cache)]) == 0
    (cache / "b@2.0.0" / "package.json").unlink()  # e.g. a few files the server cached itself
    assert assets.main([str(cache)]) == 0
    assert sorted(calls(fake_npm)[:2]) == ["a@1.0.0", "b@2.0.0"]  # packed in parallel
    assert calls(fake_npm)[2:] == ["b@2.0.0"]
    assert (cache / "b@2.0.0" / "package.json").is_file()


def test_a_failed_pack_is_one_line_and_keeps_the_others(tmp_path, monkeypatch, fake_npm, capsys):
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
