"""One store contract, run against every backend: FAISS files, embedded milvus-lite, a `milvus-lite server`
on 127.0.0.1, and (dense path only, marked slow) the real Milvus 2.3.5 server from the `milvus` package.

Each backend must load back exactly what was built, search like FAISS (same rows, same BM25 scores as
bm25s), answer every question with the same text and ranking, switch versions atomically (a build that
dies before the switch leaves the previous index answering), re-use vectors of unchanged documents, and
never show the Milvus token.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.answer.retrieval import rank
from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import BotError, IndexError_
from bot.store import backend
from bot.store.folding import passage_for_matching
from bot.store.indexer import ensure_index
from bot.store.lexical import LexicalIndex
from bot.types import Document, WordBox
from tests import milvus_servers

DOCS = [
    Document("cats.txt", "Cats", "Cats purr when they are content. A cat sleeps sixteen hours a day.\n\n"
             "Kittens open their eyes after about ten days."),
    Document("dogs.txt", "Dogs", "Dogs bark at strangers. A dog can learn about a hundred words.\n\n"
             "Puppies are born deaf and blind, like kittens."),
    Document("tea.txt", "Tea", "Green tea is steamed soon after picking. Black tea is oxidised before drying.\n\n"
             "Cats and dogs should not drink tea.", pages=(0, 79), marks=((0, "slide 1"), (79, "slide 2")),
             boxes=(WordBox(0, 5, 1, 10.0, 20.0, 40.0, 32.0, 97.5),), notes=("page 2: no text layer",)),
]
QUESTIONS = ["How long does a cat sleep?", "When do kittens open their eyes?", "Which tea is oxidised?",
             "How many words can a dog learn?", "Should pets drink tea?"]


@pytest.fixture(scope="module")
def lite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with milvus_servers.lite_server(tmp_path_factory.mktemp("lite-server") / "data") as uri:
        yield uri


@pytest.fixture(params=["faiss", "milvus-lite", "milvus-lite-server"])
def settings_for(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    index_dir = tmp_path / "index"
    if request.param == "faiss":
        return Settings(index_dir=index_dir, model="fake")
    uri = request.getfixturevalue("lite_server") if request.param == "milvus-lite-server" else ""
    # One server serves every test: a collection name per test keeps them apart.
    return Settings(index_dir=index_dir, model="fake", store="milvus", milvus_uri=uri,
                    milvus_collection=f"t{abs(hash(str(tmp_path))) % 10**9}")


def _faiss_twin(settings: Settings) -> Settings:
    return Settings(index_dir=settings.index_dir.parent / "faiss-twin", model="fake")


def test_round_trip_keeps_everything(settings_for: Settings) -> None:
    built, report = ensure_index(DOCS, FakeEmbedder(), settings_for)
    loaded = backend.load(settings_for)
    assert report.action == "built" and type(loaded) is type(built)
    assert loaded.documents == {d.doc_id: d for d in DOCS}
    assert loaded.chunks == built.chunks
    assert np.array_equal(loaded.sentences, built.sentences)
    rows = np.arange(loaded.size)
    assert np.allclose(np.asarray(loaded.vectors[rows]), np.asarray(built.vectors[rows]), atol=1e-6)
    assert loaded.manifest["counts"] == {"documents": 3, "chunks": 6, "sentences": 9}
    assert backend.read_manifest(settings_for)["documents"] == {d.doc_id: d.content_hash for d in DOCS}
    assert [loaded.chunks[c].text for c in loaded.doc_chunks["tea.txt"]] == [
        "Green tea is steamed soon after picking. Black tea is oxidised before drying.",
        "Cats and dogs should not drink tea."]


def test_search_finds_the_sentence_itself_and_clamps_k(settings_for: Settings) -> None:
    ensure_index(DOCS, FakeEmbedder(), settings_for)
    store = backend.load(settings_for)
    fake = FakeEmbedder()
    rows, scores = store.search(fake.encode(["Dogs: Dogs bark at strangers."])[0], 3)  # after its title, as embedded
    _, start, end = store.sentences[rows[0]]
    assert store.documents["dogs.txt"].text[start:end] == "Dogs bark at strangers."
    assert scores[0] == pytest.approx(1.0, abs=1e-5) and list(scores) == sorted(scores, reverse=True)
    rows, _ = store.search(fake.encode(["tea"])[0], 1000)
    assert sorted(rows.tolist()) == list(range(9))  # k beyond the index: every sentence once


def test_bm25_scores_equal_bm25s(settings_for: Settings) -> None:
    ensure_index(DOCS, FakeEmbedder(), settings_for)
    store = backend.load(settings_for)
    local = LexicalIndex.build([f"{store.documents[c.doc_id].title}\n{passage_for_matching(c)}" for c in store.chunks])
    for query in [*QUESTIONS, "kittens kittens tea", "zebra"]:
        ids, scores = store.lexical.search(query, 100)
        want_ids, want_scores = local.search(query, 100)
        assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == pytest.approx(
            dict(zip(want_ids.tolist(), want_scores.tolist(), strict=True)), rel=1e-5)
    assert store.lexical.idf("tea") == pytest.approx(local.idf("tea"))
    assert store.lexical.idf("zebra") == pytest.approx(local.idf("zebra"))


def test_answers_and_rankings_equal_faiss(settings_for: Settings) -> None:
    fake = FakeEmbedder()
    bot = Citebot(settings_for, embedder=fake)
    bot.open(documents=DOCS)
    twin = Citebot(_faiss_twin(settings_for), embedder=fake)
    twin.open(documents=DOCS)
    for question in QUESTIONS:
        got, want = bot.ask(question), twin.ask(question)
        assert got.text == want.text
        assert [(h.chunk_id, round(h.score, 5)) for h in got.retrieved] == [
            (h.chunk_id, round(h.score, 5)) for h in want.retrieved]
    assert "sixteen hours" in bot.ask("How long does a cat sleep?").text


def test_a_build_killed_before_the_switch_leaves_the_previous_index(
        settings_for: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_index(DOCS[:2], FakeEmbedder(), settings_for)
    target = "bot.store.faiss_store.durable.fsync_tree" if settings_for.store == "faiss" else \
        "bot.store.milvus_store._check"

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # what a killed process leaves: everything written so far, nothing switched
    monkeypatch.setattr(target, killed)
    with pytest.raises(KeyboardInterrupt):
        ensure_index(DOCS, FakeEmbedder(), settings_for)
    monkeypatch.undo()
    assert set(backend.load(settings_for).documents) == {"cats.txt", "dogs.txt"}
    _, report = ensure_index(DOCS, FakeEmbedder(), settings_for)  # the next build clears the debris
    assert report.action == "built" and report.embedded == 3  # only tea.txt's sentences are new
    assert set(backend.load(settings_for).documents) == {"cats.txt", "dogs.txt", "tea.txt"}
    if settings_for.store == "milvus":
        from bot.store import milvus_store
        client = milvus_store.connect(settings_for)
        assert len(milvus_store._versions(client, settings_for)) == 2  # the live one and the one before


def test_an_edit_reembeds_only_its_document(settings_for: Settings) -> None:
    ensure_index(DOCS, FakeEmbedder(), settings_for)
    edited = [DOCS[0], DOCS[1], replace(DOCS[2], text="Oolong tea is partly oxidised.")]
    _, report = ensure_index(edited, FakeEmbedder(), settings_for)
    assert (report.action, report.embedded, report.reason) == ("built", 1, "documents 1 changed")
    assert "Oolong" in Citebot(settings_for, embedder=FakeEmbedder(), store=backend.load(settings_for)).ask(
        "Which tea is partly oxidised?").text


def test_another_process_loads_and_answers(settings_for: Settings) -> None:
    """What a web server does: open the index another process built. Embedded milvus-lite is one process's;
    it says how to share it instead."""
    bot = Citebot(settings_for, embedder=FakeEmbedder())
    bot.open(documents=DOCS)
    code = ("import sys, pickle; from bot.assistant import Citebot; from bot.embed.fake import FakeEmbedder; "
            "from bot.store import backend; s = pickle.loads(bytes.fromhex(sys.argv[1])); "
            "print(Citebot(s, embedder=FakeEmbedder(), store=backend.load(s)).ask(sys.argv[2]).text)")
    question = "When do kittens open their eyes?"
    out = subprocess.run([sys.executable, "-c", code, pickle.dumps(settings_for).hex(), question],
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent)
    if settings_for.store == "milvus" and not settings_for.milvus_uri:  # embedded: one process at a time
        assert out.returncode == 1 and out.stderr.strip().splitlines()[-1] == (
            f"bot.errors.BotError: Cannot open the embedded Milvus database {settings_for.milvus_target}: another "
            "process may have it open (embedded milvus-lite serves one process). To share it, run: milvus-lite "
            f"server --data-dir {settings_for.milvus_target} --host 127.0.0.1 --port 19530, and set "
            "BOT_MILVUS_URI=http://127.0.0.1:19530.")
        return
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == bot.ask(question).text and "ten days" in out.stdout


def test_no_index_yet_says_how_to_build_one(settings_for: Settings) -> None:
    with pytest.raises(IndexError_, match=r"^There is no index yet; build one with: python -m bot index$"):
        backend.load(settings_for)


def test_the_token_is_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.store import milvus_store
    settings = Settings(index_dir=tmp_path, store="milvus", milvus_token="s3cret-token",
                        milvus_uri=f"http://user:pw@127.0.0.1:{milvus_servers.free_port()}")
    assert "s3cret" not in repr(settings)
    monkeypatch.setattr(milvus_store, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(BotError, match=r"^Cannot reach Milvus at http://127\.0\.0\.1:\d+ ") as caught:
        milvus_store.read_manifest(settings)
    assert "s3cret" not in str(caught.value) and "pw" not in str(caught.value)


@pytest.mark.slow
def test_real_milvus_server_dense_path(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Milvus 2.3.5 (the newest `milvus` package) predates sparse vectors: dense search, vectors, documents,
    the alias switch all work; BM25 says what it needs."""
    base = tmp_path_factory.mktemp("milvus-server")
    with milvus_servers.real_server(base) as uri:
        settings = Settings(index_dir=base / "index", model="fake", store="milvus", milvus_uri=uri)
        ensure_index(DOCS[:2], FakeEmbedder(), settings)
        built, _ = ensure_index(DOCS, FakeEmbedder(), settings)  # a second version: the alias moves
        store = backend.load(settings)
        assert store.manifest["bm25"] is False and store.chunks == built.chunks
        twin, _ = ensure_index(DOCS, FakeEmbedder(), _faiss_twin(settings))
        fake = FakeEmbedder()
        for question in QUESTIONS:
            vector = fake.encode([question])[0]
            got, want = rank(store, question, vector, 5, 200, "dense"), rank(twin, question, vector, 5, 200, "dense")
            assert [(h.chunk_id, round(h.score, 5)) for h in got.hits] == [
                (h.chunk_id, round(h.score, 5)) for h in want.hits]
        with pytest.raises(BotError, match=r"has no BM25 \(sparse vectors need Milvus 2\.4 or newer\)"):
            store.lexical.search("tea", 10)
