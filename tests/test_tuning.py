"""Issue 13's pieces on worked-out inputs: spelling variants, answer types, grouped folds, per-fold weights."""

import json
from types import SimpleNamespace

import pytest

from bot.answer.answer_type import expected_kind, holds_kind, holds_required, required_kind
from bot.answer.rescore import question_terms
from bot.answer.tuning import TUNED_FILE, Tuning, fold_count, load_tuning
from bot.config import PROJECT_ROOT
from bot.errors import BotError
from bot.evaluate import EvalQuestion, assign_folds, load_questions
from bot.faces.eval_cli import _held_out_folds
from bot.store.lexical import LexicalIndex, keyword_terms, stem_of, tokenize


def test_british_and_american_spellings_are_one_word() -> None:
    # breame's table: neighbours→neighbors, organise→organize, analysed→analyzed, centre→center,
    # travelled→traveled, defence→defense; the stemmer then treats both spellings alike
    british = tokenize("neighbours organise analysed centre travelled defence")
    american = tokenize("neighbors organize analyzed center traveled defense")
    assert british == american == ["neighbor", "organiz", "analyz", "center", "travel", "defens"]


def test_a_british_question_finds_an_american_passage_by_bm25() -> None:
    index = LexicalIndex.build(["The nuclear-armed neighbors were not speaking.", "Kelp grows in cold water."])
    ids, scores = index.search("Were the neighbours talking?", 2)
    assert ids.tolist() == [0] and scores[0] > 0


def test_numbers_in_digits_and_in_words_are_the_same_terms() -> None:
    # num2words' English names: ordinals from 1st, whole numbers from 2, up to 99, split where they are hyphened
    assert tokenize("the 4th emperor") == tokenize("the fourth emperor") == ["fourth", "emperor"]
    assert tokenize("a 4-slice toaster") == tokenize("a four-slice toaster") == ["four", "slice", "toaster"]
    assert tokenize("21st century, 1st floor") == tokenize("twenty-first century, first floor") == [
        "twenti", "first", "centuri", "first", "floor"]
    # "one" is mostly a pronoun; years, prices and codes stay digits
    assert tokenize("1 room, one of 2024's 120 rooms") == ["1", "room", "one", "2024", "120", "room"]


def test_a_question_in_digits_finds_the_passage_in_words_by_bm25() -> None:
    index = LexicalIndex.build(["The fourth Yuan emperor, Buyantu Khan, was a competent emperor.",
                                "The Yuan emperor Kublai Khan founded the dynasty."])
    ids, scores = index.search("Who was the 4th Yuan emperor?", 2)
    assert ids.tolist() == [0, 1] and scores[0] > scores[1]
    assert stem_of("21st") == "twenti first"  # the pair term the index holds for "twenty-first"


def test_bm25_indexes_pairs_of_neighbouring_terms() -> None:
    assert keyword_terms("The Bank of America's new museum") == [
        "bank", "america", "new", "museum", "bank america", "america new", "new museum"]
    assert keyword_terms("the") == []


def test_a_passage_naming_the_questions_phrase_outranks_one_holding_its_words_apart() -> None:
    # the same words, as often, in passages of the same length: only the pair "new york" tells them apart
    apart = "The new museum opened in York last spring."
    phrase = "The museum opened in New York last spring."
    index = LexicalIndex.build([apart, phrase])
    ids, scores = index.search("Which museum opened in New York?", 2)
    assert ids.tolist() == [1, 0] and scores[0] > scores[1] > 0


@pytest.mark.parametrize(("question", "kind"), [
    ("When was the Economic Times article published?", "time"),
    ("Since when had Rubio been contacting people?", "time"),
    ("In what year did the Normans arrive?", "time"),
    ("How many people died in the conflict?", "number"),
    ("How much did it cost?", "number"),
    ("Who wrote the article in The Diplomat?", "person"),
    ("Where was the ceasefire agreement signed?", "place"),
    ("Which country won?", "place"),
    ("Why did the US get more involved?", "cause"),
    ("What did Vance highlight?", None),
    ("Which year group does Mr O'Connell teach?", None),  # a school's "Year 5" is no time
    ("What government position was held by the woman who portrayed Corliss Archer?", None),  # "what" comes first
])
def test_what_a_question_asks_for(question: str, kind: str | None) -> None:
    assert expected_kind(question) == kind


def test_what_a_sentence_holds() -> None:
    reference = '[2] Raman, Shashank. "India-Pakistan ceasefire." The Economic Times, May 10, 2025.'
    assert holds_kind("time", reference, "When was the Economic Times article published?")  # May, 2025
    assert not holds_kind("time", "The article was widely read.", "When was the article published?")
    assert holds_kind("number", "Over 300 troops were sent.", "How many troops were sent?")
    assert not holds_kind("number", "Troops were sent[2].", "How many troops were sent?")  # a footnote is no number
    assert holds_kind("person", "It was Indian Prime Minister Narendra Modi.", "Who is Modi?")  # Indian, Prime …
    assert not holds_kind("person", "Modi spoke to him.", "Who is Modi?")  # only the name asked about
    assert holds_kind("place", "It was signed in Geneva.", "Where was it signed?")
    assert holds_kind("cause", "They acted because talks had stalled.", "Why did they act?")
    assert not holds_kind(None, "Anything at all in 2025.", "What is it?")


def q(qid: str, *about: str) -> EvalQuestion:
    return EvalQuestion(qid=qid, turns=("?",), answerable=True, about=about)


@pytest.mark.parametrize(("question", "kind"), [
    ("What is Aoife Brennan's email address?", "email"), ("what is the support e-mail", "email"),
    ("What is Dev Chaudhary's mobile number?", "phone"), ("Which contact number do I ring?", "phone"),
    ("How much does the microwave weigh?", "weight"), ("How heavy is the courier bag?", "weight"),
    ("How much is a large flat white?", "price"), ("What does a small chai latte cost?", "price"),
    ("Price of the cheese toastie?", "price"), ("How much are overdue books charged?", "price"),
    ("What are the price-determining factors?", None), ("Who can get concession prices?", None),
    ("Who is in charge of the post room?", None), ("How much did the population grow?", None),
    ("How much water should I drink?", None), ("Is there a charge for oat milk?", None),
    ("can I send my cake order by email", None), ("Does the kettle weigh much?", None),
    ("Who is the contact for mobile phone repairs?", None), ("When are telephone consultations offered?", None),
    ("Who do I email about marketing?", None), ("How do I change my email address?", None),
    ("How much is the hall used on Sundays?", None), ("What is the fee waiver policy?", None),
    ("What should staff do if they lose a work mobile phone?", None), ("clerk email address?", "email"),
    ("Dana Whitfield phone?", "phone"),
])
def test_what_a_narrow_question_requires(question: str, kind: str | None) -> None:
    assert required_kind(question) == kind


def test_a_sentence_that_holds_none_of_what_is_required_cannot_answer() -> None:
    assert holds_required("email", "Write to events@nrhc-conference.org.uk before booking.")
    assert not holds_required("email", "| Aoife Brennan | Facilities manager | 4417 | Harbour House |")
    assert holds_required("phone", "| Aoife Brennan | Facilities manager | 4417 |")  # an extension answers
    assert not holds_required("phone", "Music director: Eluned Pritchard-Quiñones")
    assert not holds_required("phone", "Do not bring: mobile phones, tablets or games consoles.")  # a mention
    assert holds_required("phone", "Tel: ask at reception") and holds_required("phone", "Rent queries: ext. 5")
    assert holds_required("price", "| Flat white | 3.20 | 3.90 |") and holds_required("price", "Budget: Item: Compost; "
                                                                                       "Cost: 30")
    assert holds_required("price", "Overdue books are charged at ten pence a day.")
    assert holds_required("price", "Oat milk is available at no charge.")
    assert not holds_required("price", "Courts can be booked up to seven days ahead online or at reception.")
    assert holds_required("weight", "Weight: 2.4 kg") and not holds_required("weight", "| Microwave 20 L | 79.00 |")
    assert holds_required(None, "Anything at all.")
    for kind, written in [("price", "The tea urn is complimentary."), ("price", "Postage to Switzerland is CHF 14."),
                          ("price", "At weekends the hall is fifteen quid an hour."), ("email", "Email: via reception"),
                          ("email", "Write to bookings at oakfieldhall dot org dot uk."),
                          ("weight", "It weighs about twenty kilos."), ("phone", "Ring the clubhouse on ext. 22")]:
        assert holds_required(kind, written), written  # lenient: a value in any common form

def test_questions_about_one_article_share_a_fold() -> None:
    # four paragraphs of two articles, and a question joining paragraph b1 with c1 (multi-hop)
    titles = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}
    questions = [q("1", "a1"), q("2", "a2"), q("3", "a1"), q("4", "b1"), q("5", "b1", "c1"), q("6", "c1"), q("7")]
    folds = assign_folds(questions, 3, titles)
    assert folds[0] == folds[1] == folds[2]  # article A: 3 questions, the largest group, to fold 0
    assert folds[3] == folds[4] == folds[5]  # B and C are joined by question 5: 3 questions, to fold 1
    assert folds == [0, 0, 0, 1, 1, 1, 2]  # the question about no document (seed) is its own group
    assert assign_folds(list(reversed(questions)), 3, titles) == list(reversed(folds))  # order does not matter
    with pytest.raises(ValueError, match="folds must be at least 2, got 1"):
        assign_folds(questions, 1, titles)


def test_the_shipped_file_holds_weights_without_each_fold() -> None:
    data = json.loads(TUNED_FILE.read_text())
    assert len(data["per_fold"]) == data["folds"] == fold_count()
    assert load_tuning() == Tuning.from_dict(data["all"])
    assert load_tuning(fold_count() - 1) == Tuning.from_dict(data["per_fold"][-1])
    with pytest.raises(BotError, match=f"holds weights for folds 0 to {fold_count() - 1}; got fold 99"):
        load_tuning(99)


def test_eval_fold_options_are_checked() -> None:
    k = fold_count()
    assert _held_out_folds(SimpleNamespace(folds=None, fold=None)) == []
    assert _held_out_folds(SimpleNamespace(folds=k, fold=None)) == list(range(k))
    assert _held_out_folds(SimpleNamespace(folds=k, fold=1)) == [1]
    with pytest.raises(BotError, match="--limit changes the folds; use --folds without --limit"):
        _held_out_folds(SimpleNamespace(folds=k, fold=None, limit=100))
    with pytest.raises(BotError, match="--fold needs --folds K"):
        _held_out_folds(SimpleNamespace(folds=None, fold=1))
    with pytest.raises(BotError, match=f"fitted with {k} folds; use --folds {k}"):
        _held_out_folds(SimpleNamespace(folds=k + 1, fold=None))
    with pytest.raises(BotError, match=f"--fold must be between 0 and {k - 1}; got {k}"):
        _held_out_folds(SimpleNamespace(folds=k, fold=k))


def test_a_verb_that_only_introduces_another_is_not_a_question_term() -> None:
    assert question_terms("What was Rubio trying to negotiate?") == ["rubio", "negoti"]
    assert question_terms("What did India hope to achieve?") == ["india", "achiev"]
    assert question_terms("Why did the plan fail?") == ["plan", "fail"]  # "plan" is the topic here
    assert question_terms("What did they agree to?") == ["agre"]  # not a verb that introduces another


def test_words_that_ask_rather_than_name_are_not_question_terms() -> None:
    assert question_terms("Who can get concession prices?") == ["get", "concess", "price"]
    assert question_terms("How many seats does she have?") == ["mani", "seat"]
    assert question_terms("What does IT do on the first morning?") == ["it", "first", "morn"]  # an acronym stays
    assert question_terms("Who owns the Wren room?") == ["own", "wren", "room"]  # a verb here, not a stop word
    assert tokenize("Courts can be booked") == ["court", "can", "book"]  # BM25 keeps its own short list


def test_the_everyday_questions_for_bot_eval_are_the_ones_fitted_on() -> None:
    # bench/out_of_scope.txt is what bench/fit.py fits on; the JSONL copy lets `bot eval --folds K` measure the
    # same questions, in the same folds (same ids, same order)
    lines = [s.strip() for s in (PROJECT_ROOT / "bench" / "out_of_scope.txt").read_text().splitlines() if s.strip()]
    questions = load_questions(PROJECT_ROOT / "bench" / "out_of_scope.jsonl")
    assert [(q.qid, q.turns, q.answerable) for q in questions] == [
        (f"oos{i}", (text,), False) for i, text in enumerate(lines)]
