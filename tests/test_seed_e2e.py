"""End to end with the real bundled model on the shipped seed article (../shared/eval/seed_dev.jsonl):
every answerable question is answered with its evidence cited, every unanswerable one abstains, with the
torch backend and with the default one (int8 ONNX, what a user gets)."""

import json
import subprocess
import sys

import pytest

from bot.assistant import Citebot
from bot.config import PROJECT_ROOT
from bot.evaluate import contains_answer, load_questions
from tests.conftest import EVAL

pytestmark = pytest.mark.slow
SEED_DEV = load_questions(EVAL / "seed_dev.jsonl")


@pytest.fixture(params=["torch", "default"])
def any_seed_bot(request: pytest.FixtureRequest) -> Citebot:
    return request.getfixturevalue("seed_bot" if request.param == "torch" else "seed_bot_default")


@pytest.mark.parametrize("q", [q for q in SEED_DEV if q.answerable], ids=lambda q: q.qid)
def test_answerable_is_answered_with_evidence_cited(any_seed_bot, q) -> None:
    answer = any_seed_bot.ask(q.turns[-1])
    assert not answer.abstained, answer.text
    assert contains_answer(answer.text, q), answer.text
    cited = [c.chunk.text for c in answer.citations]
    assert any(e in passage for e in q.evidence_any for passage in cited), cited


@pytest.mark.parametrize("q", [q for q in SEED_DEV if not q.answerable], ids=lambda q: q.qid)
def test_unanswerable_abstains(any_seed_bot, q) -> None:
    answer = any_seed_bot.ask(q.turns[-1])
    assert answer.abstained and answer.citations == (), answer.text


@pytest.mark.parametrize("question", ["What is the capital of France?", "Who won the 2018 World Cup?",
                                      "How do I bake sourdough bread?"])
def test_out_of_scope_abstains(any_seed_bot, question) -> None:
    assert any_seed_bot.ask(question).abstained


def test_outlet_question_cites_the_reference_entry(seed_bot) -> None:
    answer = seed_bot.ask("Which outlet reported that India downplayed US involvement?")
    refs = [c for c in answer.citations if c.chunk.kind == "reference"]
    assert refs and "The Economic Times" in refs[0].chunk.text
    assert refs[0].chunk.location == "References › reference entry 2"


@pytest.mark.parametrize(("question", "entry"), [
    ("Who wrote the Diplomat piece?", 3),
    ("When was the Diplomat article published?", 3),
    ("Who is the author of the Economic Times article?", 2),
    ("Where was Shashank Raman's piece published?", 2),
])
def test_a_question_about_a_cited_work_is_answered_from_its_reference_entry(seed_bot, question, entry) -> None:
    # the entry never says "wrote", "published" or "article": the reference gloss does (`folding`)
    answer = seed_bot.ask(question)
    assert not answer.abstained, answer.text
    assert answer.citations[0].chunk.location == f"References › reference entry {entry}"


@pytest.mark.parametrize("question", ["Who wrote the New York Times article?", "When was the BBC report published?"])
def test_a_question_about_a_work_the_references_do_not_cite_abstains(seed_bot, question) -> None:
    assert seed_bot.ask(question).abstained


def test_cli_json_with_the_real_model(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--index", str(tmp_path / "idx")],
        input="Who is the White House chief of staff?\nWhat is the capital of France?\n",
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-500:]
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "Susie Wiles" in first["answer"] and not first["abstained"]
    assert first["citations"][0]["text"] in (PROJECT_ROOT / "seeds" / "000_204c1444c696506f.txt").read_text()
    assert second["abstained"] and second["citations"] == []
    assert "Built the index (no index yet): 1 document, 20 passages" in result.stderr


@pytest.mark.parametrize(("asked", "meant"), [
    ("What was Rubio trying to negociate?", "What was Rubio trying to negotiate?"),
    ("Who wrote the article in The Diplmat?", "Who wrote the article in The Diplomat?"),
    ("What prompted Vanse to call the Indain prime minister?",
     "What prompted Vance to call the Indian prime minister?"),
])
def test_a_misspelt_question_is_answered_as_if_spelt_right(any_seed_bot, asked, meant) -> None:
    q = next(q for q in SEED_DEV if q.turns[-1] == meant)
    answer = any_seed_bot.ask(asked)
    assert answer.query == meant
    assert not answer.abstained and contains_answer(answer.text, q), answer.text
    assert any(e in c.chunk.text for e in q.evidence_any for c in answer.citations)
