"""A folder on disk → `Document`s: find the files, turn each into plain text, report what was skipped.

Reading is per file and never stops the rest: a file that cannot be read becomes a `Skipped` line with
the reason. Paths in messages and ids are relative to the folder; symlinks leading outside it are not
followed. Format-specific text extraction lives in `readers`; chunking happens later.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.errors import BotError, DocumentError
from bot.readers import SUPPORTED, read_file
from bot.types import Document


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: skipped, {self.reason}"


def list_files(folder: Path) -> list[Path]:
    """Supported files under `folder`, sorted, hidden ones and links leading outside left out."""
    if not folder.is_dir():
        raise BotError(f"The documents folder '{folder.name}' does not exist; create it or pass --docs DIR.")
    root = folder.resolve()
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in SUPPORTED:
            continue
        if not path.resolve().is_relative_to(root) or not path.is_file():
            continue
        found.append(path)
    return found


def read_folder(folder: Path) -> tuple[list[Document], list[Skipped]]:
    """Every readable document under `folder`, and a line for each file that was skipped."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for path in list_files(folder):
        source = path.relative_to(folder).as_posix()
        try:
            documents.append(read_file(path, doc_id=source))
        except DocumentError as err:
            skipped.append(Skipped(source, str(err)))
    return documents, skipped
