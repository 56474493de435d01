"""Generated document libraries for the stress tests: two libraries, "alpha" and "beta", of any size.

Both hold the same kind of filler prose (made-up words from a seeded generator, so nothing in it matches a
real question) plus one marker document whose fact differs: alpha's lighthouse keeper is Orrin Vale,
beta's is Perrin Gale. Asking `QUESTION` therefore tells which library an index was built from, and
whether it answers correctly. Test data only; nothing here is used by the bot.
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.documents import read_folder

QUESTION = "Who is the lighthouse keeper of Marrow harbour?"
KEEPER = {"alpha": "Orrin Vale", "beta": "Perrin Gale"}
_SYLLABLES = ("ka", "lo", "mi", "ru", "te", "vo", "sa", "ne", "pi", "du", "fa", "ge", "zo", "bi", "qu", "ly")


def write_library(folder: Path, name: str, documents: int = 20, paragraphs: int = 6, seed: int = 0) -> Path:
    """Write library `name` ("alpha" or "beta") into `folder`: `documents` filler files plus the marker."""
    rng = random.Random(f"{name}-{seed}")
    words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(800)]
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        paras = []
        for _ in range(paragraphs):
            sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."
                         for _ in range(rng.randint(3, 6))]
            paras.append(" ".join(sentences))
        title = " ".join(rng.choice(words) for _ in range(3)).title()
        (folder / f"{name}-{n:04d}.txt").write_text(f"{title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    (folder / f"{name}-marker.md").write_text(
        f"# Marrow harbour\n\nThe lighthouse keeper of Marrow harbour is {KEEPER[name]}. "
        "The lamp is lit every evening at dusk.\n", encoding="utf-8")
    return folder


def document_hashes(folder: Path) -> dict[str, str]:
    """What a complete index of `folder` records in its manifest under "documents"."""
    return {d.doc_id: d.content_hash for d in read_folder(folder)[0]}
