"""Start the real web app in a child process on a free loopback port, and a headless Debian Chromium.

Shared by the browser and API tests (fixtures in conftest.py) and by docs/make_screenshots.py. The
server is `python -m bot serve`; it is always killed, even when a test fails. Chromium is Debian's
(`apt-get install chromium`), driven by Playwright's bundled driver: nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bot.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_app(docs: Path, index: Path, model: str = "fake", timeout: float = 180.0,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """The app's URL while it runs (`env`: more variables for it); its output goes to `index/../server.log`."""
    port = free_port()
    env = {**os.environ, "BOT_MODEL": model, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "NO_PROXY": "127.0.0.1,localhost", **(env or {})}
    env.pop("GRADIO_SERVER_NAME", None)
    log = (index.parent / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port), "--host", "127.0.0.1",
                             "--docs", str(docs), "--index", str(index)], cwd=PROJECT_ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}: {_tail(index.parent / 'server.log')}")
            try:
                with _DIRECT.open(url + "config", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start in {timeout:.0f} s: {_tail(index.parent / 'server.log')}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def launch_chromium(playwright: object) -> object:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-1500:] if path.exists() else ""
