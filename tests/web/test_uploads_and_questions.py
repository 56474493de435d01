"""Uploads and questions at the same time on a real server (issue 14): 10 browser sessions each upload a
file and then ask about it, while 50 other questions arrive, all at once, on 127.0.0.1.

Shared use (`serve --shared`): 0 errors; every upload is indexed for its own session and answered there
(no upload lost); no other session sees it; every answer cites passages that are exactly the text of
their document at the cited offsets, and the main library's answers are the very answers given before the
uploads began (each was composed from one complete index). Local use: the uploads land in the documents
folder and all 10 are in the index at the end, whatever order the syncs ran in.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bench.live_server import LiveServer
from bench.ui_session import UiSession, ask_api, text_of
from bot.config import PROJECT_ROOT
from bot.store.faiss_store import read_manifest

pytestmark = pytest.mark.slow

SEED = PROJECT_ROOT / "seeds" / "000_204c1444c696506f.txt"
MAIN_QUESTIONS = ("What prompted Vance to call the Indian prime minister?",
                  "Which outlet reported that India downplayed US involvement?",
                  "Who is the White House chief of staff?", "What was Rubio trying to negotiate?",
                  "Who did Rubio speak with?")
KEEPERS = ("Ingrid Halvorsen", "Tomas Okafor", "Mirela Dutescu", "Sven Aaltonen", "Priya Raman", "Jonas Weber",
           "Aiko Tanabe", "Lucia Ferreira", "Omar Haddad", "Nora Lindqvist")
PIERS = ("amber", "basalt", "cobalt", "dolomite", "emerald", "feldspar", "garnet", "hematite", "indigo", "jasper")


def upload_text(k: int) -> str:
    return f"Harbour notes {PIERS[k]}\n\nThe lighthouse keeper of pier {PIERS[k]} is {KEEPERS[k]}.\n"


def question(k: int) -> str:
    return f"Who is the lighthouse keeper of pier {PIERS[k]}?"


def _site(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED, docs / SEED.name)
    return docs


def _check_offsets(reply: dict, texts: dict[str, str]) -> None:
    """Each cited passage is exactly its document's text at the cited offsets: one complete index."""
    for c in reply["citations"]:
        assert texts[c["doc_id"]][c["start"]:c["end"]] == c["text"], c


def _run_together(url: str, uploaders, askers) -> tuple[list, list]:
    start = threading.Barrier(len(uploaders) + len(askers))
    with ThreadPoolExecutor(max_workers=len(uploaders) + len(askers)) as pool:
        up = [pool.submit(fn, url, start) for fn in uploaders]
        asked = [pool.submit(fn, url, start) for fn in askers]
        return [f.result() for f in up], [f.result() for f in asked]


def _uploader(k: int):
    def run(url: str, start: threading.Barrier) -> tuple[str, str]:
        with UiSession(url) as session:
            start.wait()
            status = session.upload([(f"harbour-{k}.txt", upload_text(k).encode())])
            return status.replace("\\", ""), text_of(session.ask(question(k)))
    return run


def _api_asker(q: str):
    def run(url: str, start: threading.Barrier) -> dict:
        with httpx.Client(base_url=url, trust_env=False, timeout=180) as http:
            start.wait()
            return ask_api(http, q)
    return run


def test_shared_uploads_and_questions_together(tmp_path):
    docs = _site(tmp_path)
    seed_text = SEED.read_text(encoding="utf-8")
    with LiveServer(docs, tmp_path / "index", args=("--shared",)) as server:
        with httpx.Client(base_url=server.url, trust_env=False, timeout=120) as http:
            before = {q: ask_api(http, q) for q in MAIN_QUESTIONS}
        # 50 questions: 40 about the library through the API, 10 about the uploads from sessions that
        # uploaded nothing (they must not see them).
        askers = [_api_asker(MAIN_QUESTIONS[i % len(MAIN_QUESTIONS)]) for i in range(40)]
        askers += [_api_asker(question(k)) for k in range(10)]
        uploads, answers = _run_together(server.url, [_uploader(k) for k in range(10)], askers)
        assert server.alive()
    for k, (status, answer) in enumerate(uploads):
        assert re.search(rf"harbour-{k}\.txt: indexed for this session only, \d+ passages?", status), status
        assert KEEPERS[k] in answer and f"harbour-{k}.txt" in answer, answer[:300]
        assert not [name for j, name in enumerate(KEEPERS) if j != k and name in answer]  # nobody else's
    for i, reply in enumerate(answers):
        assert "error" not in reply, reply
        _check_offsets(reply, {SEED.name: seed_text})
        if i < 40:  # the library did not change under these answers
            expected = before[MAIN_QUESTIONS[i % len(MAIN_QUESTIONS)]]
            assert (reply["answer"], reply["citations"]) == (expected["answer"], expected["citations"])
        else:
            assert not any(name in json.dumps(reply) for name in KEEPERS), reply["answer"]
    assert sorted(p.name for p in docs.iterdir()) == [SEED.name]  # shared use writes nothing


def test_local_uploads_and_questions_together_lose_no_upload(tmp_path):
    docs = _site(tmp_path)
    texts = {SEED.name: SEED.read_text(encoding="utf-8")} | {f"harbour-{k}.txt": upload_text(k) for k in range(10)}
    with LiveServer(docs, tmp_path / "index") as server:
        askers = [_api_asker(MAIN_QUESTIONS[i % len(MAIN_QUESTIONS)]) for i in range(40)]
        askers += [_api_asker(question(k)) for k in range(10)]
        uploads, answers = _run_together(server.url, [_uploader(k) for k in range(10)], askers)
        with httpx.Client(base_url=server.url, trust_env=False, timeout=120) as http:
            after = [ask_api(http, question(k)) for k in range(10)]
        assert server.alive()
    for k, (status, answer) in enumerate(uploads):
        assert re.search(rf"harbour-{k}\.txt: indexed, \d+ passages?", status), status
        assert KEEPERS[k] in answer, answer[:300]
    for reply in answers:
        assert "error" not in reply, reply
        _check_offsets(reply, texts)  # whichever index answered, it was whole
    assert sorted(read_manifest(tmp_path / "index")["documents"]) == sorted(texts)
    for k, reply in enumerate(after):
        assert reply["citations"][0]["doc_id"] == f"harbour-{k}.txt" and KEEPERS[k] in reply["answer"]
