"""A newcomer's tryout: 12 small document folders of the field cases' kinds (HTML, Markdown and CSV tables,
Windows-1252, BOM + CRLF, invisible Unicode, stop-word acronyms, answers after a topic sentence, PDF and
DOCX tables), written by someone who had not read the code, with 83 questions of which 31 the documents do not
answer but come close to ("What is Aoife Brennan's email address?" beside a directory without emails).
All content invented. Scored by `../shared/fieldcases/README.md`'s rule (the text before the first `[n]`
contains `expect`, NFKC and case folded; `expect: null` must abstain). A measurement, not a test: its
failures are reported in the README's *Left out*, not tuned on.

    nice .venv/bin/python -m bench.tryout [folder-name-part ...]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.choose import make_embedder

CASES = Path(__file__).resolve().parent / "tryout_cases"


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _first_part(text: str) -> str:
    match = re.search(r"\[\d+\]", text)
    return text[:match.start()] if match else text


def main() -> None:
    only = sys.argv[1:]
    embedder = make_embedder(Settings().model, "auto", Path(tempfile.mkdtemp()))
    right = {"answerable": [0, 0], "unanswerable": [0, 0]}
    for folder in sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()):
        if only and not any(o in folder.name for o in only):
            continue
        case = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as index:
            bot = Citebot(Settings(docs_dir=folder / "docs", index_dir=Path(index)), embedder=embedder)
            bot.open()
            print(f"\n{folder.name}: {case['kind'][:100]}")
            for item in case["questions"]:
                answer = bot.ask(item["q"])
                expect = item["expect"]
                ok = answer.abstained if expect is None else (
                    not answer.abstained and _fold(expect) in _fold(_first_part(answer.text)))
                kind = "unanswerable" if expect is None else "answerable"
                right[kind][0 if ok else 1] += 1
                shown = " ".join(_first_part(answer.text).split())[:140]
                print(f"  {'ok  ' if ok else 'MISS'} {item['q']}  (expect {expect!r}; confidence "
                      f"{answer.confidence:.2f}{', abstained' if answer.abstained else ''}) {shown}")
    for kind, (ok, miss) in right.items():
        print(f"{kind}: {ok} of {ok + miss} right")


if __name__ == "__main__":
    main()
