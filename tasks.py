"""Routine jobs for synk (invoke): `inv --list` shows them.

`inv test` is what CI runs (through the README's command): lint, type checks
and the whole test suite, including the firmware's tests under the MicroPython
unix port. `inv bench` measures the performance targets of the issues and
writes bench/results.json.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import sysconfig
from pathlib import Path

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results.json"

# mypy for CPython parts: strict, configured in pyproject.toml.
TYPED_PACKAGES = [p for p in ("protocol", "host", "emulator") if (ROOT / p).is_dir()]
# Firmware and board code are type-checked against the MicroPython stubs:
# micropython-stdlib-stubs is a typeshed-style stdlib, micropython-unix-stubs
# adds the port's modules (hashlib, time, machine, ...) at site-packages' top.
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
PORT_STUBS = ROOT / ".mypy_micropython"
# The test doubles checked against hw.board's part interfaces, with the MicroPython stubs.
PART_CONTRACTS = "tests/hw/part_contracts.py"


def _port_stubs() -> Path:
    """Copy the unix port's .pyi files into one folder for MYPYPATH.

    They are installed loose into site-packages, which mypy refuses as a search
    path, so they are gathered apart from everything else installed there.
    """
    from importlib.metadata import files

    wanted = [*(files("micropython-unix-stubs") or []), *(files("micropython-stdlib-stubs") or [])]
    for entry in wanted:
        if entry.suffix != ".pyi" or entry.parts[0] == "stdlib":
            continue
        target = PORT_STUBS / str(entry)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(str(entry.locate())).read_bytes())
    return PORT_STUBS


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else name


@task
def lint(c: Context) -> None:
    """ruff over everything; mypy strict for CPython code, MicroPython stubs for firmware/hw."""
    with c.cd(str(ROOT)):
        c.run(f"{_tool('ruff')} check .", echo=True)
        c.run(f"{_tool('mypy')} {' '.join(TYPED_PACKAGES)} tasks.py", echo=True)
        firmware_dirs = " ".join(d for d in ("firmware", "hw") if (ROOT / d).is_dir())
        c.run(
            f"MYPYPATH={_port_stubs()} {_tool('mypy')} --config-file mypy-micropython.ini"
            f" --custom-typeshed-dir {SITE_PACKAGES} {firmware_dirs} {PART_CONTRACTS}",
            echo=True,
        )


# Debian packages the tests need (name -> a file it installs): Chromium for the browser tests
# of the web pages, Firefox ESR for the training page's Firefox test (over WebDriver BiDi),
# PostgreSQL for the back office's tests on a cluster of their own, LibreOffice Calc
# (headless, no GUI) to read a Swedish CSV export back as a spreadsheet does.
DEBIAN_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "firefox-esr": "/usr/bin/firefox-esr",
    "postgresql": "/usr/bin/pg_config",
    "libreoffice-calc-nogui": "/usr/bin/soffice",
}


@task
def system_deps(c: Context) -> None:
    """Install the Debian packages the tests need (Chromium, Firefox, PostgreSQL, LibreOffice)."""
    missing = [name for name, path in DEBIAN_PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    sudo = "" if os.geteuid() == 0 else "sudo "
    if not shutil.which("apt-get"):
        raise SystemExit(f"missing {', '.join(missing)} and no apt-get to install them")
    c.run(f"{sudo}apt-get update -qq", echo=True)
    c.run(
        f"{sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"
        f" --no-install-recommends {' '.join(missing)}",
        echo=True,
    )


@task(help={"quick": "skip lint and type checks", "k": "only tests matching this expression"})
def test(c: Context, quick: bool = False, k: str = "") -> None:
    """The whole suite: lint, types, pytest (CPython + MicroPython), on both cores."""
    system_deps(c)
    if not quick:
        lint(c)
    select = f" -k {k!r}" if k else ""
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m pytest -n 2{select}", echo=True, pty=False)


@task
def vectors(c: Context) -> None:
    """Show the wire protocol working: decode every golden vector of protocol/vectors."""
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m protocol.show_vectors", echo=False, pty=False)


@task(
    help={
        "work": "work folder, kept between runs (default: work/emulator)",
        "speed": "how fast the emulated clock runs (1 = real time)",
        "console": "run the training console (--no-console: only run until Ctrl-C)",
        "browser": "open the training page in the browser (--no-browser: only print its address)",
        "vm": "cpython (stations in the emulator's process) or micropython (flashed VM stations)",
        "language": "sv (default), en, or both: the stations' screens, the console, the page",
    }
)
def emulate(
    c: Context,
    work: str = "work/emulator",
    speed: float = 1.0,
    console: bool = True,
    browser: bool = True,
    vm: str = "cpython",
    language: str = "sv",
) -> None:
    """The whole site on this laptop: the training page, back office, stations, keys, locks."""
    os.chdir(ROOT)
    args = [PY, "-m", "emulator.emulate", "--work", work, "--speed", str(speed), "--vm", vm]
    args += ["--language", language]
    if not console:
        args.append("--no-console")
    if not browser:
        args.append("--no-browser")
    os.execv(PY, args)


@task(
    positional=["name"],
    help={"name": "scenario name; without it, the list", "work": "work folder (default: temp)"},
)
def scenario(c: Context, name: str = "", work: str = "") -> None:
    """Run one of emulator/scenarios/ headless and print what happened."""
    args = [name] if name else ["--list"]
    if work:
        args += ["--work", work]
    with c.cd(str(ROOT)):
        c.run(f"{PY} -m emulator.scenario_cli {' '.join(args)}", pty=False)


@task(
    help={
        "scale": "also the large sizes: the municipal-scale site at 1, 4 and 16 million lock"
        " events (bench/scale_bench.py; takes long), and 16 million for retention and export"
    }
)
def bench(c: Context, scale: bool = False) -> None:
    """Measure every benchmark metric of the issues; print a table, write bench/results.json;
    fail when a metric is over its budget (bench/run.py BUDGETS)."""
    sys.path.insert(0, str(ROOT))
    if scale:
        os.environ["SYNK_BENCH_SCALE"] = "1"
        os.environ.setdefault("SYNK_BENCH_EVENTS", "16000000")
    from bench.run import over_budget, run_all

    results = run_all()
    width = max(len(name) for name in results)
    print(f"{'metric'.ljust(width)}  value")
    for name, value in results.items():
        print(
            f"{name.ljust(width)}  {value:,.3f}"
            if isinstance(value, float)
            else f"{name.ljust(width)}  {value:,}"
        )
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    over = over_budget(results)
    for name, (value, limit) in over.items():
        print(f"OVER BUDGET: {name} = {value:,} > {limit:,}")
    if over:
        raise Exit(code=1)


@task(
    help={
        "board": "esp32s3 (default) or pico2w",
        "unit": "unit of a new station (provisioning registers it in the back office)",
        "station": "station id; an existing station gets a new credential",
        "url": "the back office URL the station uses (https://...)",
        "contact": "whom staff call, shown on the station",
        "ca": "the back office's CA certificate (PEM or DER file), needed for https",
        "config": "folder with station.json + station.sig already made: skip provisioning",
        "port": "the board's serial port (default: the first USB board)",
        "site": "back office site folder (default $SYNK_SITE or ./site)",
        "nfc": "uart (default), i2c or none",
        "wifi_ssid": "Wi-Fi network",
        "wifi_password": "Wi-Fi password",
        "dry_run": "print every step; change neither the back office nor the board",
    }
)
def flash(
    c: Context,
    board: str = "esp32s3",
    unit: int = 0,
    station: int = 0,
    url: str = "",
    contact: str = "",
    ca: str = "",
    config: str = "",
    port: str = "auto",
    site: str = "",
    nfc: str = "uart",
    wifi_ssid: str = "",
    wifi_password: str = "",
    dry_run: bool = False,
) -> None:
    """Provision a station in the back office, build its image, deploy it with mpremote."""
    work = ROOT / "build" / "flash" / board
    config_dir = Path(config).resolve() if config else work / "config"
    synk = f"{shlex.quote(PY)} -m host.cli flash"
    dry = " --dry-run" if dry_run else ""
    if not config:
        options = {
            "--board": board,
            "--url": url,
            "--contact": contact,
            "--ca": str(Path(ca).resolve()) if ca else "",
            "--out": str(config_dir),
            "--nfc": nfc,
            "--unit": str(unit) if unit else "",
            "--station": str(station) if station else "",
            "--site": site,
            "--wifi-ssid": wifi_ssid,
            "--wifi-password": wifi_password,
        }
        given = " ".join(f"{k} {shlex.quote(v)}" for k, v in options.items() if v)
        # Not echoed: the command line may hold the Wi-Fi password.
        c.run(f"{synk} provision {given}{dry}", pty=False)
    if dry_run and not (config_dir / "station.json").exists():
        print(
            "Torrkörning: bygg och installation behöver den signerade konfigurationen (--config)"
            " / Dry run: build and deploy need the signed configuration (--config)"
        )
        return
    image = work / "image"
    c.run(
        f"{synk} build --board {board} --config {shlex.quote(str(config_dir))}"
        f" --out {shlex.quote(str(image))}",
        echo=True,
        pty=False,
    )
    c.run(
        f"{synk} deploy --image {shlex.quote(str(image))} --port {shlex.quote(port)}{dry}",
        echo=True,
        pty=False,
    )
