"""What Gradio prints while the web UI starts, less its hint about public links.

Gradio's `launch` ends with "* To create a public link, set `share=True` in `launch()`.": advice to open a
tunnel through Gradio's servers, which a local, offline bot must not follow (`serve` passes share=False).
`without_share_hint` drops exactly that line from stdout while `launch` runs and passes every other line
through as it is written (the local URL, warnings, errors), so nothing else is hidden. Exceptions are not
printed output and are not touched. No gradio import: `ui` wraps its `launch` call in this.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import TextIO

SHARE_HINT = "* To create a public link, set `share=True` in `launch()`."


class LineFilter(io.TextIOBase):
    """A text stream that writes whole lines to `target`, except lines equal to one of `dropped`."""

    def __init__(self, target: TextIO, dropped: tuple[str, ...]) -> None:
        super().__init__()
        self.target = target
        self.dropped = dropped
        self._pending = ""  # `print` writes a line's text and its newline separately

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            if line.strip() not in self.dropped:
                self.target.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending and self._pending.strip() not in self.dropped:
            self.target.write(self._pending)
        self._pending = ""
        self.target.flush()


@contextlib.contextmanager
def without_share_hint() -> Iterator[None]:
    filtered = LineFilter(sys.stdout, (SHARE_HINT,))
    try:
        with contextlib.redirect_stdout(filtered):
            yield
    finally:
        filtered.flush()
