"""An open bot follows the live index: another process's build makes a newer version live (FAISS `CURRENT`,
the Milvus alias) and the open bot answers from it after at most `index_check_s`, looking it up cheaply
(one file read or one alias lookup per interval, never a reload when nothing moved)."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.assistant import Citebot
from bot.config import Settings, load_settings
from bot.embed.fake import FakeEmbedder
from bot.errors import IndexError_, SettingsError
from bot.store import backend, following
from bot.store.following import Follower
from bot.types import Document
from tests import milvus_servers

CATS = Document("cats.txt", "Cats", "Cats purr when they are content. A cat sleeps sixteen hours a day.")
OWLS = Document("owls.txt", "Owls", "Barn owls hunt voles at night. An owl swallows its prey whole.")
QUESTION = "What do barn owls hunt?"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def lite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with milvus_servers.lite_server(tmp_path_factory.mktemp("lite-server") / "data") as uri:
        yield uri


def _cites_owls(bot: Citebot) -> bool:
    return [c.doc_id for c in bot.ask(QUESTION).citations][:1] == ["owls.txt"]


def test_the_follower_looks_once_per_interval_and_loads_only_a_moved_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(index_dir=tmp_path / "index", model="fake", index_check_s=5.0)
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[CATS])
    opened = backend.load(settings)
    looks: list[str | None] = []
    real = backend.live_version
    monkeypatch.setattr(following.backend, "live_version", lambda s, store=None: looks.append(real(s)) or looks[-1])
    now = [100.0]
    follower = Follower(settings, clock=lambda: now[0])
    now[0] += 4.9
    assert follower.newer(opened) is None and looks == []  # just opened: not looked up yet
    now[0] += 0.2
    assert follower.newer(opened) is None and looks == [opened.manifest["version"]]  # looked: nothing moved
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[CATS, OWLS])  # "another process" builds
    now[0] += 1.0
    assert follower.newer(opened) is None and len(looks) == 1  # within the interval: not looked again
    now[0] += 5.0
    newer = follower.newer(opened)
    assert newer is not None and len(looks) == 2 and sorted(newer.documents) == ["cats.txt", "owls.txt"]
    assert newer.manifest["version"] == looks[-1] != opened.manifest["version"]
    now[0] += 5.0
    assert follower.newer(newer) is None and len(looks) == 3  # the one loaded is the live one


def test_an_open_faiss_bot_answers_from_a_newer_build(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", model="fake", index_check_s=0)
    server = Citebot(settings, embedder=FakeEmbedder())
    server.open(documents=[CATS])
    assert not _cites_owls(server)
    opened = server.store
    server.ask("How long does a cat sleep?")
    assert server.store is opened  # nothing moved: nothing reloaded
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[CATS, OWLS])
    assert _cites_owls(server) and server.store is not opened
    assert server.store.manifest["version"] == backend.live_version(settings)


def test_a_store_handed_in_is_not_replaced(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", model="fake", index_check_s=0)
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[CATS])
    pinned = Citebot(settings, embedder=FakeEmbedder(), store=backend.load(settings))
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[CATS, OWLS])
    assert not _cites_owls(pinned)  # the caller chose that store (evaluation, benches)


def test_a_newer_build_with_another_model_is_refused_with_one_line(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", model="fake", index_check_s=0)
    server = Citebot(settings, embedder=FakeEmbedder())
    server.open(documents=[CATS])
    Citebot(settings, embedder=FakeEmbedder(dim=32)).open(documents=[CATS, OWLS])
    with pytest.raises(IndexError_, match=r"^The index was rebuilt with the model fake-hash-32 since this bot opened "
                                          r"it with fake-hash-64; restart it with BOT_MODEL set to that model\.$"):
        server.ask(QUESTION)


def test_an_open_milvus_bot_answers_from_another_process_build(lite_server: str, tmp_path: Path) -> None:
    """A web server and `bot index` in another process, sharing one `milvus-lite server` on 127.0.0.1."""
    settings = Settings(index_dir=tmp_path / "index", model="fake", store="milvus", milvus_uri=lite_server,
                        milvus_collection=f"follow{abs(hash(str(tmp_path))) % 10**9}", index_check_s=0.5)
    server = Citebot(settings, embedder=FakeEmbedder())
    server.open(documents=[CATS])
    opened = server.store
    assert not _cites_owls(server)
    code = ("import sys, pickle; from bot.assistant import Citebot; from bot.embed.fake import FakeEmbedder; "
            "s, docs = pickle.loads(bytes.fromhex(sys.argv[1])); print(Citebot(s, embedder=FakeEmbedder()).open("
            "documents=docs))")
    built = subprocess.run([sys.executable, "-c", code, pickle.dumps((settings, [CATS, OWLS])).hex()],
                           capture_output=True, text=True, timeout=180, cwd=REPO)
    assert built.returncode == 0 and built.stdout.startswith("Built the index"), built.stderr[-2000:]
    live = backend.live_version(settings)
    assert live != opened.manifest["version"]
    time.sleep(0.5)  # the check interval (the build took longer anyway)
    assert _cites_owls(server) and server.store.manifest["version"] == live
    assert sorted(server.store.documents) == ["cats.txt", "owls.txt"]


def test_the_interval_is_a_setting() -> None:
    assert load_settings({"BOT_INDEX_CHECK_S": "0.5"}).index_check_s == 0.5
    assert Settings().index_check_s == 5.0
    with pytest.raises(SettingsError, match=r"^BOT_INDEX_CHECK_S is not usable: index_check_s must be 0 or more, "
                                            r"got -1\.0; fix or unset it\.$"):
        load_settings({"BOT_INDEX_CHECK_S": "-1"})
