"""The verifier's known answers: hand-written sentences against seed passages, with the verdicts they deserve.

Passage [1] is the seed's paragraph on Vance's call ("…He urged Modi to communicate with Pakistan directly…"),
[2] the one on Rubio ("Rubio had been contacting individuals in the region since Tuesday…"). The real
bundled embedder measures the cosines, as in the bot.
"""

import json
from pathlib import Path

import pytest

from bot.answer.verify import check, cites_of, exact_terms, plain
from bot.answer.writer import passage_from_text
from tests.conftest import SEED_FILE

pytestmark = pytest.mark.slow
LINES = SEED_FILE.read_text(encoding="utf-8").split("\n")
LABELLED = Path(__file__).parent / "data" / "verify_labelled.jsonl"


@pytest.fixture(scope="module")
def passages(real_embedder):
    return {1: passage_from_text(1, LINES[4], real_embedder.encode),
            2: passage_from_text(2, LINES[6], real_embedder.encode)}


def verdict(text, passages, real_embedder):
    return check(text, passages, real_embedder.encode)[0]


def test_a_paraphrase_of_its_passage_is_supported(passages, real_embedder) -> None:
    s = verdict("Vance urged Modi to communicate with Pakistan directly [1].", passages, real_embedder)
    assert s.supported and s.cites == (1,) and s.reason == ""
    assert s.support.passage == 1 and s.support.word_share == 1.0 and s.support.missing == ()


@pytest.mark.parametrize(("kind", "text", "reason"), [
    ("swapped subject", "Rubio urged Modi to communicate with Pakistan directly [1].", "[1] does not mention rubio"),
    ("invented number", "Vance believed there was a 90 percent probability of escalation [1].",
     "[1] does not mention 90"),
    # content words vance threaten modi trade sanction india de escal: [1] has vance modi india de escal, 5/8
    ("added claim", "Vance threatened Modi with trade sanctions if India did not de-escalate [1].",
     "[1] holds only 62% of its words"),
    ("correct but off-topic", "Rubio had been contacting individuals in the region since Tuesday [1].",
     "[1] does not mention rubio, tuesday"),
])
def test_unsupported_sentences_are_caught_with_the_reason(passages, real_embedder, kind, text, reason) -> None:
    s = verdict(text, passages, real_embedder)
    assert not s.supported, kind
    assert s.reason == reason


def test_the_off_topic_sentence_is_supported_by_the_passage_that_says_it(passages, real_embedder) -> None:
    s = verdict("Rubio had been contacting individuals in the region since Tuesday [2].", passages, real_embedder)
    assert s.supported and s.cites == (2,)


def test_only_the_markers_of_supporting_passages_are_kept(passages, real_embedder) -> None:
    s = verdict("Rubio had been contacting individuals in the region since Tuesday [1][2].", passages, real_embedder)
    assert s.supported and s.text == "Rubio had been contacting individuals in the region since Tuesday [2]."


def test_no_citation_or_a_passage_not_given_is_unsupported(passages, real_embedder) -> None:
    assert verdict("Vance urged Modi to talk to Pakistan.", passages, real_embedder).reason == "it cites no passage"
    s = verdict("Vance urged Modi to talk to Pakistan [7].", passages, real_embedder)
    assert not s.supported and s.reason == "it cites [7], which the model was not given"


def test_exact_terms_are_numbers_and_names_not_sentence_openers(passages) -> None:
    given = list(passages.values())
    assert exact_terms("She said 1,200 officials met Modi in March.", given) == {"1200", "modi", "march"}
    assert exact_terms("However, Vance called him.", given) == {"vance"}
    assert exact_terms("Johnson called him.", given) == {"johnson"}  # not a word the passages use: a name
    assert cites_of("A [1]. B [2, 3][1]") == (1, 2, 3) and plain("Vance called Modi [1].") == "Vance called Modi."


def test_the_labelled_set_with_the_shipped_thresholds(real_embedder) -> None:
    # The thresholds were fitted on this set (bench/fit_verifier.py reports held-out figures); this guards them:
    # every invented number, added claim and off-topic sentence is caught, and most paraphrases are kept.
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    found = {}
    texts = {r["group"]: r["passage"] for r in rows}  # 12 passages, each embedded once
    passages = {group: passage_from_text(1, text, real_embedder.encode) for group, text in texts.items()}
    for r in rows:
        passage = passages[r["group"]]
        found.setdefault(r["kind"], []).append(check(r["sentence"], {1: passage}, real_embedder.encode)[0].supported)
    assert len(rows) == 84
    for kind in ("invented number", "added claim", "off-topic"):
        assert not any(found[kind]), kind
    assert sum(found["paraphrase"]) >= 33
    assert sum(found["swapped subject"]) <= 4  # a subject swapped for another name in the same passage passes
