"""Progress bars on stderr for long work in the terminal (index builds, evaluations).

A thin adapter from the pipeline's `(stage, done, total, item)` callbacks to tqdm (the item, a file name,
shows after the bar); stdout stays free for answers and JSON. The web UI has its own adapter (Gradio's
progress), so nothing here is shared with it."""

from __future__ import annotations

import sys

from tqdm import tqdm


class StageBars:
    """One bar per stage, created on the first update of that stage and closed when it completes."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int, item: str = "") -> None:
        if not self.enabled:
            return
        bar = self._bars.get(stage)
        if bar is None:
            unit = "page" if stage == "ocr" else "item"  # OCR counts a file's pages done of its pages
            bar = self._bars[stage] = tqdm(total=total, desc=stage, unit=unit, file=sys.stderr, leave=False)
        if item:
            bar.set_postfix_str(item[-60:], refresh=False)  # the end of a long path is the part that differs
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def counter(total: int, desc: str, enabled: bool = True) -> tqdm:
    return tqdm(total=total, desc=desc, file=sys.stderr, disable=not enabled)
