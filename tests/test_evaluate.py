"""Metrics on tiny hand-made sets whose scores are worked out by hand."""

import json
import math

import pytest

from bot.errors import BotError
from bot.evaluate import EvalQuestion, Outcome, complete_at, load_questions, mrr, recall_at, summarize
from bot.faces.cli import main
from tests.conftest import EVAL


def outcome(relevant=(), gold_at=(), answerable=True, abstained=False, correct=False, top=False,
            cites=(), ms=10.0, labelled=True) -> Outcome:
    return Outcome(answerable=answerable, ranked_relevant=tuple(relevant), gold_found_at=tuple(gold_at),
                   abstained=abstained, answer_correct=correct, top_sentence_correct=top,
                   citations_supported=tuple(cites), evidence_cited=False, ms=ms, confidence=0.5, labelled=labelled)


# Three answerable questions: gold at rank 1, at rank 3, never found; one unanswerable that abstained.
SET = [
    outcome(relevant=[True, False, False], gold_at=[1], correct=True, top=True, cites=[True], ms=10),
    outcome(relevant=[False, False, True], gold_at=[3], correct=True, top=False, cites=[True, False], ms=20),
    outcome(relevant=[False, False, False], gold_at=[0], abstained=True, ms=30),
    outcome(answerable=False, abstained=True, ms=40),
]


def test_recall_mrr_known_answers() -> None:
    assert recall_at(SET, 1) == pytest.approx(1 / 3)
    assert recall_at(SET, 3) == pytest.approx(2 / 3)
    assert mrr(SET) == pytest.approx((1 + 1 / 3 + 0) / 3)


def test_complete_needs_every_gold_document() -> None:
    both = [outcome(gold_at=[1, 4]), outcome(gold_at=[2, 0]), outcome(gold_at=[3, 12])]
    assert complete_at(both, 5) == pytest.approx(1 / 3)
    assert complete_at(both, 12) == pytest.approx(2 / 3)


def test_summary_known_answers() -> None:
    s = summarize(SET, [1, 3])
    assert s["answer_contains_gold"] == pytest.approx(2 / 3)
    assert s["top_sentence_contains_gold"] == pytest.approx(1 / 3)
    assert s["answered_when_answerable"] == pytest.approx(2 / 3)
    assert s["abstained_when_unanswerable"] == 1.0
    assert s["citation_precision"] == pytest.approx(2 / 3)  # 2 of 3 citations support
    assert s["p50_ms"] == pytest.approx(25.0)


def test_no_unanswerable_questions_gives_no_abstention_figure() -> None:
    assert math.isnan(summarize(SET[:3], [1])["abstained_when_unanswerable"])


def test_both_shared_formats_load() -> None:
    seed = load_questions(EVAL / "seed_dev.jsonl")
    assert seed[0] == EvalQuestion(qid="d01", turns=("What prompted Vance to call the Indian prime minister?",),
                                   answerable=True, answers_any=("intelligence",),
                                   evidence_any=("based on concerning intelligence reports",
                                                 "the US received alarming intelligence"))
    assert sum(not q.answerable for q in seed) == 4
    squad = load_questions(EVAL / "squad2" / "questions_dev.jsonl")
    assert len(squad) == 2000 and sum(q.answerable for q in squad) == 1000
    assert squad[0].gold_doc_ids == ("Normans#0",)
    conv = load_questions(EVAL / "seed_dev_conversations.jsonl")
    assert conv[0].turns == ("Who is Susie Wiles?", "What was she watching?")


def test_a_bad_line_names_its_number(tmp_path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "ok?"}\n{"nope": 1}\n', encoding="utf-8")
    with pytest.raises(BotError, match=r"^q.jsonl line 2 is not a question object"):
        load_questions(path)


def test_questions_without_retrieval_labels_are_not_retrieval_misses() -> None:
    # The labelled question finds its evidence at rank 2; the unlabelled one (no gold ids, no evidence) is
    # left out of recall and MRR instead of counting as found nowhere.
    mixed = [outcome(relevant=[False, True]), outcome(relevant=[False, False], correct=True, labelled=False)]
    assert recall_at(mixed, 1) == 0.0 and recall_at(mixed, 2) == 1.0
    assert mrr(mixed) == pytest.approx(0.5)
    s = summarize(mixed, [2])
    assert (s["answerable"], s["labelled"], s["recall@2"]) == (2, 1, 1.0)
    assert s["answer_contains_gold"] == 0.5  # answers are still judged on every answerable question
    unlabelled = summarize([outcome(relevant=[False], labelled=False)], [1, 5])
    assert unlabelled["labelled"] == 0
    assert math.isnan(unlabelled["recall@1"]) and math.isnan(unlabelled["recall@5"]) and math.isnan(unlabelled["mrr"])


def test_eval_shows_no_recall_for_a_set_without_retrieval_labels(settings, monkeypatch, capsys, tmp_path) -> None:
    """`bot eval` on questions judged by answer strings only (like bench/seed_extra.jsonl): recall and MRR
    are "—" in the table and null in --json, not 0.000; a labelled question beside them is measured alone."""
    monkeypatch.setenv("BOT_MODEL", "fake")
    unlabelled = tmp_path / "unlabelled.jsonl"
    row = {"id": "x1", "question": "What did Rubio negotiate?", "answers_any": ["ceasefire"]}
    unlabelled.write_text(json.dumps(row) + "\n", encoding="utf-8")
    where = ["--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]
    assert main(["eval", str(unlabelled), "--k", "1,5", *where]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["labelled"] == ["0"]
    assert rows["recall@1"] == rows["recall@5"] == rows["mrr"] == ["—"]
    assert main(["eval", str(unlabelled), "--k", "1,5", "--json", *where]) == 0
    hybrid = json.loads(capsys.readouterr().out)["results"]["hybrid"]
    assert (hybrid["recall@1"], hybrid["recall@5"], hybrid["mrr"], hybrid["labelled"]) == (None, None, None, 0)
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(unlabelled.read_text(encoding="utf-8") + json.dumps(
        {"id": "x2", "question": "Who is Susie Wiles?", "evidence_any": ["chief of staff"]}) + "\n", encoding="utf-8")
    assert main(["eval", str(mixed), "--k", "1,5", "--json", *where]) == 0
    hybrid = json.loads(capsys.readouterr().out)["results"]["hybrid"]
    assert (hybrid["answerable"], hybrid["labelled"], hybrid["recall@5"]) == (2, 1, 1.0)
