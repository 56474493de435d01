"""Fixtures for the tests that need a real web server (all marked `slow`).

`site` lays a deployment out on disk: a working directory holding a `.env`, and a data folder holding
the documents, the index and a private file beside them. `server` is one Citebot server over it for the
whole session (tests/web/fault_server.py: the real `serve`, with a test-only failing and a slow question),
on a free port of 127.0.0.1; `client` is a gradio_client connected to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from gradio_client import Client

from bench.live_server import LiveServer
from bot.config import PROJECT_ROOT

FAULT_SERVER = Path(__file__).with_name("fault_server.py")
SECRETS = ("SECRET-ENV-TOKEN", "SECRET-PRIVATE-NOTE", "root:x:0:0")  # in .env, the private file, /etc/passwd


@dataclass(frozen=True)
class Site:
    cwd: Path
    docs: Path
    index: Path
    private: Path
    env_file: Path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("site")
    cwd, data = root / "app", root / "data"
    (data / "docs").mkdir(parents=True)
    cwd.mkdir()
    shutil.copy(PROJECT_ROOT / "seeds" / "000_204c1444c696506f.txt", data / "docs")
    env_file = cwd / ".env"
    env_file.write_text("API_TOKEN=SECRET-ENV-TOKEN\n", encoding="utf-8")
    private = data / "private-notes.txt"
    private.write_text("SECRET-PRIVATE-NOTE\n", encoding="utf-8")
    return Site(cwd=cwd, docs=data / "docs", index=data / "index", private=private, env_file=env_file)


@pytest.fixture(scope="session")
def server(site: Site) -> Iterator[LiveServer]:
    with LiveServer(site.docs, site.index, cwd=site.cwd, command=(str(FAULT_SERVER),)) as live:
        yield live


@pytest.fixture(scope="session")
def client(server: LiveServer) -> Client:
    return Client(server.url, verbose=False)
