"""An RTF document → text: one block per paragraph, table rows as a Markdown table (first row as header).

striprtf turns the RTF into plain text (control words dropped, `\\'e9` and `\\u8212?` escapes decoded in
the document's code page, pictures and other hidden groups skipped); it gives every paragraph and line break
as a line and every table row as a line of `cell|cell|`, which this module turns back into blocks and tables.
RTF has no heading markup striprtf keeps, so there are no sections; the title is the document's `\\title`,
else its first line. Runs in the bounded child process (a regex-driven parser and untrusted input).
"""

from __future__ import annotations

import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Blocks, Reading

_TITLE = re.compile(rb"\{\\info[^{}]*\{\\title ([^{}\\]{1,200})\}")
_CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")


def read_rtf(path: Path, fallback_title: str) -> Reading:
    raw = path.read_bytes()
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise DocumentError("the file is not an RTF document (it does not start with {\\rtf); save it again as RTF")
    code_page = _CODE_PAGE.search(raw[:4096])
    encoding = f"cp{code_page.group(1).decode()}" if code_page else "cp1252"
    try:
        # RTF is 7-bit text; Latin-1 maps each byte to one character, so nothing is lost before parsing.
        text = rtf_to_text(raw.decode("latin-1"), encoding=encoding, errors="replace")
    except LookupError as err:
        raise DocumentError(f"the RTF document is written in code page {encoding[2:]}, which is not supported; "
                            "save it again as Unicode RTF or as .docx") from err
    except (ValueError, IndexError, RecursionError) as err:
        raise DocumentError("the RTF document is damaged and could not be read; open it and save it again") from err
    blocks = Blocks()
    table: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.endswith("|"):
            table.append(line[:-1].split("|"))
            continue
        if table:
            blocks.add_table(table[0], table[1:])
            table = []
        blocks.add(line)
    title = _TITLE.search(raw)
    return blocks.reading(title.group(1).decode("latin-1") if title else "", fallback_title, "RTF document")
