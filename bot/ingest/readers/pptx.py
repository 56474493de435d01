"""A PowerPoint deck (.pptx) → text: per slide its title as a `#` heading, its text and tables, its notes.

python-pptx does the parsing; this module walks each slide's shapes in reading order (top to bottom, then
left to right; groups opened), writes every text paragraph as a block and every table as a Markdown table
(first row as header), then the speaker notes. Each slide's text is marked "slide N" and its notes
"slide N, notes", so citations name the slide. Charts, pictures, SmartArt, comments, hidden-slide state
and old binary .ppt files are not read. Runs in the bounded child process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pptx
from lxml.etree import LxmlError
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.exc import PythonPptxError
from pptx.shapes.base import BaseShape

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Blocks, Reading, check_archive

WHAT = "PowerPoint file (.pptx)"


def read_pptx(path: Path, fallback_title: str) -> Reading:
    check_archive(path, WHAT)
    blocks = Blocks()
    first_title = ""
    try:
        deck = pptx.Presentation(str(path))
        for n, slide in enumerate(deck.slides, 1):
            mark = f"slide {n}"
            heading = slide.shapes.title
            title = _one_line(heading.text_frame.text) if heading is not None and heading.has_text_frame else ""
            first_title = first_title or title
            blocks.add(f"# {title or f'Slide {n}'}", mark)
            for shape in _reading_order(slide.shapes):
                if heading is not None and shape.shape_id == heading.shape_id:
                    continue
                if shape.has_text_frame:
                    for paragraph in shape.text_frame.paragraphs:
                        blocks.add(_one_line(paragraph.text), mark)
                elif shape.has_table:
                    rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                    blocks.add_table(rows[0], rows[1:], [mark] * len(rows))
            notes = slide.notes_slide.notes_text_frame if slide.has_notes_slide else None
            for paragraph in notes.paragraphs if notes is not None else ():
                blocks.add(_one_line(paragraph.text), f"{mark}, notes")
        title = deck.core_properties.title or first_title
    except (PythonPptxError, KeyError, ValueError, TypeError, AttributeError, LxmlError,
            RecursionError) as err:
        raise DocumentError(f"the file is not a valid {WHAT}; open it in PowerPoint or LibreOffice and save it "
                            "again as .pptx") from err
    return blocks.reading(title, fallback_title, "PowerPoint file")


def _reading_order(shapes: Iterable[BaseShape]) -> Iterator[BaseShape]:
    """Shapes top to bottom, then left to right; a group's shapes take its place, in their own order."""
    for shape in sorted(shapes, key=lambda s: (s.top or 0, s.left or 0)):
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _reading_order(shape.shapes)
        else:
            yield shape


def _one_line(text: str) -> str:
    # python-pptx gives a line break inside a paragraph as a vertical tab.
    return " ".join(text.replace("\v", " ").split())
