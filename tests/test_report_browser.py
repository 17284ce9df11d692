"""Load the report and the interactive map in Debian's headless chromium: no requests, no errors, text shown.

The browser is driven over the Chrome DevTools Protocol on a pipe
(`--remote-debugging-pipe`: JSON messages ending in NUL on file descriptors 3 and 4),
so the test needs no extra Python package and no browser download. It records every
request the page makes, every console error and uncaught exception, then reads the
rendered text. Skips cleanly when chromium is not installed.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_maps_synthetic import (
    FLEET,
    synthetic_flows,
    synthetic_mines,
    synthetic_summary,
)

from hfcommon.output import atomic_path
from tracer.maps import interactive, report

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

#: How long the page may take to load and draw before we give up (a deadline, not a measured assertion).
DEADLINE_S = 120.0


@dataclass
class PageLog:
    """What a page did while it loaded."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    text: str = ""
    plots: int = 0
    country_shapes: int = 0
    overflow_px: int = 0


class DevToolsPipe:
    """A minimal Chrome DevTools Protocol client over chromium's debugging pipe."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:  # chromium reads commands on fd 3 and writes replies on fd 4
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4 first
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--no-default-browser-check",
                "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
                "--remote-debugging-pipe", "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            pass_fds=(to_browser_r, from_browser_w, 3, 4),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its reply (events arriving meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def load_page(path: Path, profile: Path, expected_plots: int, width: int | None = None,
              screenshot: Path | None = None) -> PageLog:
    """Open `path` in headless chromium, wait until `expected_plots` plotly plots are drawn, report what happened.

    `width` sets the window width in CSS pixels; `screenshot` saves the first 2,400 pixels of the page as PNG.
    """
    browser = DevToolsPipe(profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Runtime", "Log", "Page"):
            browser.send(f"{domain}.enable", session=session)
        if width is not None:
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = path.resolve().as_uri()
        browser.send("Page.navigate", {"url": url}, session=session)
        count_plots = "[...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
        start = time.monotonic()
        plots = 0
        while time.monotonic() - start < DEADLINE_S:
            state = browser.send("Runtime.evaluate", {"expression": f"[document.readyState, {count_plots}]",
                                                      "returnByValue": True}, session=session)
            ready, plots = state["result"]["value"]
            if ready == "complete" and plots >= expected_plots:
                break
            time.sleep(0.25)
        time.sleep(1.0)  # let late requests (a fetched topojson, a font) show up before we look
        probe = ("[document.body.innerText, document.querySelectorAll('path.choroplethlocation').length,"
                 " document.documentElement.scrollWidth, window.innerWidth]")
        text, shapes, scroll_width, inner_width = browser.send(
            "Runtime.evaluate", {"expression": probe, "returnByValue": True}, session=session)["result"]["value"]
        log = PageLog(text=text, plots=plots, country_shapes=shapes, overflow_px=scroll_width - inner_width)
        if screenshot is not None:
            clip = {"x": 0, "y": 0, "width": inner_width, "height": 2400, "scale": 1}
            shot = browser.send("Page.captureScreenshot", {"format": "png", "clip": clip,
                                                           "captureBeyondViewport": True}, session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                request_url = params["request"]["url"]
                if request_url != url and not request_url.startswith(("data:", "blob:", "about:")):
                    log.requests.append(request_url)
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                log.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                log.errors.append(params["exceptionDetails"].get("exception", {}).get("description", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                log.errors.append(f"{params['entry'].get('url', '')}: {params['entry']['text']}")
        return log
    finally:
        browser.close()


def _write(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def test_report_loads_offline_without_errors(tmp_path: Path) -> None:
    flows = synthetic_flows()
    summary = synthetic_summary(flows)
    page = report.build_report(flows, summary, mines=synthetic_mines(), fleet=FLEET, title="Synthetic test run")
    path = _write(tmp_path / "report.html", page)
    log = load_page(path, tmp_path / "profile", expected_plots=3)
    assert log.requests == []
    assert log.errors == []
    assert log.plots >= 3  # map, Sankey, vehicle bars
    assert log.country_shapes > 170  # the base map was drawn from our GeoJSON, not a fetched topojson
    assert "Synthetic test run" in log.text
    assert "Hidden flows" in log.text and "Hidden-to-used ratio" in log.text


def test_interactive_map_loads_offline_without_errors(tmp_path: Path) -> None:
    page = interactive.map_page(synthetic_flows(), synthetic_mines(), source="synthetic test")
    path = _write(tmp_path / "map.html", page)
    log = load_page(path, tmp_path / "profile", expected_plots=1)
    assert log.requests == []
    assert log.errors == []
    assert log.plots == 1
    assert log.country_shapes > 170
    assert "Hidden flows" in log.text


def test_report_of_the_default_run_loads_offline(tmp_path: Path) -> None:
    """The page `tracer report` writes for the bundled data (hundreds of mine sites) behaves the same."""
    import mine_db
    from tracer import api

    result = api.run()
    page = report.build_report(result.flows, result.summary, mines=mine_db.load_default(), fleet=result.fleet)
    path = _write(tmp_path / "report.html", page)
    log = load_page(path, tmp_path / "profile", expected_plots=3)
    assert log.requests == []
    assert log.errors == []
    assert log.plots == 3 and log.country_shapes > 170
    hidden = report.headline_values(result.flows, result.summary["home"], None)["hidden_t"]
    assert f"{hidden / 1e6:.3g} Mt" in log.text
    assert "China (CHN)" in log.text


@pytest.mark.parametrize("width", [760, 1400])
def test_report_reads_at_two_window_widths(tmp_path: Path, width: int) -> None:
    """The bundled run's report at a narrow and a wide window: no sideways scrolling, title, bibliography, no '…'.

    The screenshot lands in the test's tmp folder (and in $REPORT_SCREENSHOTS when set) for a person to look at.
    """
    import mine_db
    from tracer import api

    result = api.run()
    page = report.build_report(result.flows, result.summary, mines=mine_db.load_default(), fleet=result.fleet,
                               title=report.report_title(None, None), data_note=report.BUNDLED_DATA)
    path = _write(tmp_path / "report.html", page)
    shots = Path(os.environ.get("REPORT_SCREENSHOTS", tmp_path))
    log = load_page(path, tmp_path / "profile", expected_plots=3, width=width, screenshot=shots / f"report_{width}.png")
    assert log.requests == [] and log.errors == []
    assert log.overflow_px <= 0  # nothing wider than the window
    assert "China's 2019 passenger-car production" in log.text and "bundled" in log.text
    assert "Rio Tinto (2019) Annual Report 2018." in log.text and "[fp_" not in log.text
    assert "…" not in log.text and "e-0" not in log.text
    assert (shots / f"report_{width}.png").stat().st_size > 50_000
