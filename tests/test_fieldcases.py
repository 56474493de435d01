"""Every field case in ../shared/fieldcases/, and every variant in tests/fieldcase_variants/, answered well,
through the whole bot with the default embedder.

A field case is a small folder of documents that reproduces a failure people report with document-QA tools
(see its README). "Answered well" is the README's rule: the answer does not abstain and the text before its
first `[n]` marker contains `expect`, compared case-insensitively with NFKC and whitespace folded; `expect:
null` means the bot must abstain. A case's notes add checks, applied here by what the question carries:
`check_location` (the first citation's location names that heading, and no U+FEFF in title or cited text)
and, for the cases whose notes say "exact sentence", the first citation's sentence equals `expect`.
One index is built per case folder with the product's own embedder (int8 ONNX, as `make demo` runs it).
The variants are invented documents of the same kinds as the shared cases (other ligatures, hyphens at page
and column breaks, other rotations, merged cells, BOM with CRLF, …; see tests/fieldcase_variants/make.py):
a fix must hold for the kind, not the file. Their ids start with "variant/".
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.choose import make_embedder
from bot.embed.fake import FakeEmbedder
from bot.types import Answer
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
CASES = SHARED / "fieldcases"
VARIANTS = Path(__file__).resolve().parent / "fieldcase_variants"
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()) if CASES.is_dir() else []
VARIANT_DIRS = sorted(p for p in VARIANTS.iterdir() if (p / "case.json").is_file())
_FIRST_MARK = re.compile(r"\[\d+\]")


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _exact_sentence(case: dict) -> bool:
    notes = case.get("notes", "")
    return "exact sentence" in notes and "citation.sentence.text" in notes


def _questions(folders: list[Path], prefix: str = "") -> list[tuple[str, dict, dict]]:
    out = []
    for folder in folders:
        case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        for i, q in enumerate(case["questions"]):
            out.append((f"{prefix}{folder.name}#{i + 1}", case, q))
    return out


QUESTIONS = _questions(CASE_DIRS)
VARIANT_QUESTIONS = _questions(VARIANT_DIRS, "variant/")
# Failing before the document-fidelity work (issue 12). Strict: a fixed case XPASSes and fails the run until
# it is removed here, so this list only shrinks. Empty when issue 12 is resolved.
NOT_YET: set[str] = set()
PARAMS = [pytest.param(c, case, q, id=c, marks=[pytest.mark.xfail(strict=True, reason="issue 12")] if c in NOT_YET
                       else []) for c, case, q in QUESTIONS]
# Variants whose fault is in answer scoring or abstention (bot/answer/, tuned.json), left as they are while the
# held-out figures measured with that tuning stand: question id → why. Strict like NOT_YET, so it shrinks, unless
# a refit moves a question that sat at the threshold back over it (K-012: confidence 0.496 → 0.504 when the
# misspelt-word correction came in; the thermometer supplier when titles came into sentence vectors, back
# under it with the refit for the absent-name rule, over it again (0.498 → 0.500) when the answer kind came to
# be read from the sentence alone, and back under with the refit for the narrow-kind lead).
VARIANTS_NOT_YET: dict[str, str] = {
    "variant/06-html-two-row-header#4": "abstention: 'How many workers does the Arden plant employ?' is answered "
                                        "with the Arden row of the output table (the row names Arden, no workers)",
}  # "Who won the dog show last year?" was here until session 12's past-period rule (`answer.periods`)
VARIANT_PARAMS = [pytest.param(c, case, q, id=c, marks=[pytest.mark.xfail(strict=True, reason=VARIANTS_NOT_YET[c])]
                               if c in VARIANTS_NOT_YET else []) for c, case, q in VARIANT_QUESTIONS]


@pytest.fixture(scope="module")
def case_bots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Citebot]:
    cache = tmp_path_factory.mktemp("onnx")
    embedder = make_embedder(Settings().model, "auto", cache)
    bots: dict[str, Citebot] = {}

    def get(name: str) -> Citebot:
        if name not in bots:
            folder = VARIANTS / name.removeprefix("variant/") if name.startswith("variant/") else CASES / name
            settings = Settings(docs_dir=folder / "docs", index_dir=tmp_path_factory.mktemp(folder.name))
            bots[name] = Citebot(settings, embedder=embedder)
            bots[name].open()
        return bots[name]

    return get  # type: ignore[return-value]


def first_cited_text(answer: Answer) -> str:
    """The answer's text before its first `[n]` marker: the first cited sentence."""
    match = _FIRST_MARK.search(answer.text)
    return answer.text[:match.start()] if match else answer.text


@pytest.mark.skipif(not CASE_DIRS, reason=f"{CASES} is missing (the shared folder sits beside the repository)")
@pytest.mark.parametrize(("case_id", "case", "q"), PARAMS)
def test_field_case_is_answered_well(case_bots, case_id: str, case: dict, q: dict) -> None:
    _check(case_bots, case_id, case, q)


@pytest.mark.parametrize(("case_id", "case", "q"), VARIANT_PARAMS)
def test_field_case_variant_is_answered_well(case_bots, case_id: str, case: dict, q: dict) -> None:
    _check(case_bots, case_id, case, q)


def _check(case_bots, case_id: str, case: dict, q: dict) -> None:
    """The README's rule for one question, and the checks its case's notes ask for."""
    bot = case_bots(case_id.split("#")[0])
    answer = bot.ask(q["q"])
    if q["expect"] is None:
        assert answer.abstained, answer.text
        return
    assert not answer.abstained, f"abstained: {answer.text}"
    head = first_cited_text(answer)
    assert _fold(q["expect"]) in _fold(head), f"first cited sentence: {head!r}"
    first = answer.citations[0]
    if _exact_sentence(case):
        assert first.sentence == q["expect"], first.sentence
        doc = bot.store.documents[first.doc_id]
        assert doc.text[first.sentence_start:first.sentence_end] == first.sentence
    if "check_location" in q:
        assert q["check_location"] in first.chunk.location, first.chunk.location
        assert "\ufeff" not in first.title + first.chunk.text + first.sentence


def test_the_rule_reads_the_first_cited_sentence() -> None:
    # The judge must be able to fail: text after the first marker does not count.
    answer = Answer(question="q", text="The bin is blue [1]. Glass goes in the green bin [2].", abstained=False,
                    confidence=1.0, citations=(), retrieved=(), query="q")
    assert first_cited_text(answer) == "The bin is blue "
    assert _fold("GREEN bin") not in _fold(first_cited_text(answer))
    assert _fold("Zu\u0308rich") == _fold("zürich")


def _same_names(folder: Path) -> bool:
    names = [p.name.casefold() for p in (folder / "docs").rglob("*") if p.is_file()]
    stems = [p.stem.casefold() for p in (folder / "docs").rglob("*") if p.is_file()]
    return len(set(names)) < len(names) or len(set(stems)) < len(stems)


SAME_NAMES = [p for p in CASE_DIRS + VARIANT_DIRS if _same_names(p)]


@pytest.mark.parametrize("folder", SAME_NAMES, ids=lambda p: p.name)
def test_same_named_files_are_all_indexed_and_stay_indexed_across_runs(tmp_path, folder: Path) -> None:
    # The kind's second half: a second run over the same index (a sync) must not drop or merge any of them.
    docs = folder / "docs"
    files = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file())
    assert len(files) >= 2
    for _ in range(2):
        bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index", model="fake"), embedder=FakeEmbedder())
        bot.open()
        assert sorted(bot.store.documents) == files
