"""Which questions the absent-name rule (`bot/answer/absent.py`) refuses, on folders written to break it.

`bench/tryout_break/`: six small libraries by a seventh newcomer, told the rule and asked to find false
refusals (a rowing club with Irish, Welsh and Polish names; a shop catalogue of codes and CamelCase brands;
Lakeland walks with "St" and "Mt"; a staff directory in Greek, Cyrillic and Japanese; a manual named only
by its file name; recipes and a festival). Each line of `questions.txt` is `P|question` when the documents
hold every name it gives, `R|question` when they lack one. Reports the refusals by label, and lists them.
A measurement of the rule alone (no answer is composed): it was fixed while reading this set's first
results, so these figures are not held out; `bench/tryout_names/` is.

    nice .venv/bin/python -m bench.absent_names
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.fit import query_of
from bot.answer.absent import absent_names
from bot.assistant import Citebot
from bot.config import Settings

FOLDERS = Path(__file__).resolve().parent / "tryout_break"


def main() -> None:
    refused = {"P": [0, 0], "R": [0, 0]}
    for folder in sorted(p for p in FOLDERS.iterdir() if (p / "questions.txt").is_file()):
        with tempfile.TemporaryDirectory() as index:
            bot = Citebot(Settings(docs_dir=folder / "docs", index_dir=Path(index)))
            bot.open()
            for line in (folder / "questions.txt").read_text(encoding="utf-8").splitlines():
                label, question = line.split("|", 1)
                names = absent_names(bot.store, query_of(question, bot.store))
                refused[label][1] += 1
                if names:
                    refused[label][0] += 1
                    print(f"  {folder.name} {label} refused {names}: {question}")
    for label, what in (("P", "holding every name, wrongly refused"), ("R", "lacking a name, refused")):
        print(f"questions {what}: {refused[label][0]} of {refused[label][1]}")


if __name__ == "__main__":
    main()
