"""Document fidelity: do generated documents with known structure come back as the paragraphs, sentences
and table rows they were written with, and does a question about one table row cite that row?

`bench.docgen` writes PDFs (reportlab: one or two columns, hyphenation, justified or ragged lines,
indented or spaced paragraphs, running headers and footers, page and column breaks, headings, ruled
tables) and DOCX, HTML and Markdown files with tables; Citebot's readers read them as a user's folder
would (PDF and Word in the bounded child process). Printed per format:

- paragraph-boundary F1: the read text's blank-line blocks against the written blocks, words aligned
  with difflib; a boundary inside a table is not counted either way (goal ≥ 0.97 for PDF);
- the share of written sentences found exactly (whitespace folded) among the read text's sentences;
- table rows read whole: a written row whose cells appear, in order, on one line of the read text;
- table-row questions ("What is the Bay of P-1042?") asked of a Citebot over all the files with the
  default embedder: right when it answers and its first cited sentence holds the row's key and the asked
  value and no other row's key (goal ≥ 0.95);
- PDF pages per second of Citebot's reader beside pypdf's plain `extract_text` on the same files,
  in this process, interleaved, best of two rounds.

    .venv/bin/python -m bench.doc_fidelity [--quick] [--seed N]
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import tempfile
import time
from pathlib import Path

from bench import docgen, measure
from bot.assistant import Citebot
from bot.config import load_settings
from bot.ingest.chunking import split_sentences
from bot.ingest.readers.pdf import extract_pdf
from bot.ingest.reading import read_file

_MARKUP = re.compile(r"^[|#:\-–—]*$")  # table pipes, rules and heading marks are not words


def _tokens(text: str) -> list[str]:
    return [w for w in text.split() if not _MARKUP.match(w)]


def _sentences(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in split_sentences(text)]


def score(doc: docgen.Doc, text: str) -> dict[str, int]:
    """Boundary and sentence counts for one document read back as `text`."""
    truth: list[str] = []
    starts: set[int] = set()
    inside: set[int] = set()  # token positions strictly inside a table
    for block in doc.blocks:
        starts.add(len(truth))
        if block["kind"] == "table":
            cells = [c for row in [block["header"], *block["rows"]] for c in row]
            first = len(truth)
            truth += _tokens(" ".join(cells))
            inside.update(range(first + 1, len(truth)))
        else:
            truth += _tokens(block["text"])
    read: list[str] = []
    found: list[int] = []
    for block in text.split("\n\n"):
        found.append(len(read))
        read += _tokens(block)
    aligned: dict[int, int] = {}
    for a, b, n in difflib.SequenceMatcher(a=truth, b=read, autojunk=False).get_matching_blocks():
        aligned.update((b + k, a + k) for k in range(n))
    mapped = set()
    for position in found:
        while position < len(read) and position not in aligned:
            position += 1
        if position < len(read) and aligned[position] not in inside:
            mapped.add(aligned[position])
    written = [s for b in doc.blocks if b["kind"] == "paragraph" for s in _sentences(b["text"])]
    pool: dict[str, int] = {}
    for block in text.split("\n\n"):
        for s in _sentences(block.lstrip("# ")):
            pool[s] = pool.get(s, 0) + 1
    exact = 0
    for s in written:
        if pool.get(s, 0):
            exact += 1
            pool[s] -= 1
    lines = [[c.strip() for c in re.split(r"\s*\|\s*|\t", line) if c.strip()] for line in text.split("\n")]
    rows = [r for b in doc.blocks if b["kind"] == "table" for r in [b["header"], *b["rows"]]]
    whole = sum(1 for r in rows if any(cells == r for cells in lines))
    return {"tp": len(mapped & starts), "fp": len(mapped - starts), "fn": len(starts - mapped),
            "sentences": len(written), "exact": exact, "rows": len(rows), "rows_whole": whole}


def _f1(c: dict[str, int]) -> float:
    return round(2 * c["tp"] / max(1, 2 * c["tp"] + c["fp"] + c["fn"]), 4)


def pdf_speed(paths: list[Path]) -> dict[str, float]:
    from pypdf import PdfReader

    def ours(path: Path) -> int:
        return len(extract_pdf(path, path.stem)[2])

    def plain(path: Path) -> int:
        return sum(1 for page in PdfReader(path).pages if page.extract_text() is not None)

    best: dict[str, float] = {}
    ours(paths[0])  # import and word-list loading are not part of the rate
    for _ in range(2):
        for name, read in (("citebot", ours), ("pypdf", plain)):
            start = time.perf_counter()
            pages = sum(read(p) for p in paths)
            best[name] = max(best.get(name, 0.0), pages / (time.perf_counter() - start))
    return {"citebot_pages_per_s": round(best["citebot"], 1), "pypdf_pages_per_s": round(best["pypdf"], 1),
            "ratio": round(best["citebot"] / best["pypdf"], 3)}


def table_questions(folder: Path, docs: list[docgen.Doc], count: int, rng: random.Random) -> dict[str, object]:
    asked = []
    for doc in docs:
        for block in doc.blocks:
            if block["kind"] == "table":
                keys = [r[0] for r in block["rows"]]
                asked += [(block["header"], row, keys) for row in block["rows"]]
    asked = rng.sample(asked, min(count, len(asked)))
    with tempfile.TemporaryDirectory() as index:
        bot = Citebot(load_settings(docs_dir=folder, index_dir=Path(index)))
        bot.open()
        right, misses = 0, []
        for header, row, keys in asked:
            column = rng.randrange(1, len(header))
            answer = bot.ask(f"What is the {header[column]} of {header[0].lower()} {row[0]}?")
            sentence = answer.citations[0].sentence if answer.citations else ""
            ok = (not answer.abstained and row[0] in sentence and row[column] in sentence
                  and not any(k in sentence for k in keys if k != row[0]))
            right += ok
            if not ok and len(misses) < 5:
                misses.append({"q": answer.question, "answer": answer.text[:200]})
    return {"asked": len(asked), "right": right, "accuracy": round(right / max(1, len(asked)), 4),
            "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="24 PDFs, 6 of each other format, 40 questions")
    # The layout rules were tuned on documents from seed 12; the figures are reported on another seed.
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated documents (default 2026)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = {"pdf": 24, "docx": 6, "html": 6, "md": 6} if args.quick else {"pdf": 120, "docx": 20, "html": 20,
                                                                             "md": 20}
    pool = docgen.paragraphs()
    keys = [1000]
    result: dict[str, object] = {"machine": measure.machine(), "quick": args.quick, "seed": args.seed,
                                 "formats": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        everything: list[docgen.Doc] = []
        pdfs: list[Path] = []
        for fmt, count in counts.items():
            docs = docgen.make_docs(count, fmt, rng, pool, keys)
            totals = {"files": count, "tp": 0, "fp": 0, "fn": 0, "sentences": 0, "exact": 0, "rows": 0,
                      "rows_whole": 0, "pages": 0}
            for doc in docs:
                writer = {"pdf": lambda d: docgen.write_pdf(d, folder, rng), "md": lambda d: docgen.write_markdown(
                    d, folder), "html": lambda d: docgen.write_html(d, folder),
                          "docx": lambda d: docgen.write_docx(d, folder)}[fmt]
                path = writer(doc)
                read = read_file(path, path.name)
                totals["pages"] += len(read.pages)
                for key, value in score(doc, read.text).items():
                    totals[key] += value
                if fmt == "pdf":
                    pdfs.append(path)
            everything += docs
            totals["boundary_f1"] = _f1(totals)
            totals["sentences_exact"] = round(totals["exact"] / max(1, totals["sentences"]), 4)
            totals["rows_whole_share"] = round(totals["rows_whole"] / max(1, totals["rows"]), 4)
            result["formats"][fmt] = totals
            print(f"{fmt:5s} {count:4d} files {totals['pages']:4d} pages  paragraph-boundary F1 "
                  f"{totals['boundary_f1']:.3f}  sentences exact {totals['sentences_exact']:.3f} "
                  f"({totals['exact']}/{totals['sentences']})  table rows whole {totals['rows_whole']}/"
                  f"{totals['rows']}", flush=True)
        speed = pdf_speed(pdfs)
        result["pdf_speed"] = speed
        print(f"PDF pages/s: Citebot's reader {speed['citebot_pages_per_s']}, pypdf extract_text "
              f"{speed['pypdf_pages_per_s']} (ratio {speed['ratio']}) on the same {len(pdfs)} files", flush=True)
        questions = table_questions(folder, everything, 40 if args.quick else 200, rng)
        result["table_questions"] = questions
        print(f"table-row questions: {questions['right']}/{questions['asked']} right "
              f"(accuracy {questions['accuracy']:.3f}; goal ≥ 0.95)")
    print(f"written to {measure.write('doc_fidelity', result)}")


if __name__ == "__main__":
    main()
