"""Start the real web app in a child process on a free loopback port, and a headless Debian Chromium.

Shared by the browser and API tests (fixtures in conftest.py) and by docs/make_screenshots.py. The
server is `python -m bot serve`; it is always killed, even when a test fails. Chromium is Debian's
(`apt-get install chromium`), driven by Playwright's bundled driver: nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.processes import free_port, served
from bot.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def running_app(docs: Path, index: Path, model: str = "fake", timeout: float = 180.0,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """The app's URL while it runs (`env`: more variables for it); its output goes to `index/../server.log`."""
    port = free_port()
    env = {**os.environ, "BOT_MODEL": model, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "NO_PROXY": "127.0.0.1,localhost", **(env or {})}
    env.pop("GRADIO_SERVER_NAME", None)
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "-m", "bot", "serve", "--port", str(port), "--host", "127.0.0.1", "--docs", str(docs),
            "--index", str(index)]
    with served(argv, url + "config", index.parent / "server.log", "the app", timeout, cwd=PROJECT_ROOT, env=env):
        yield url


def launch_chromium(playwright: object) -> object:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

