"""`python tests/web/fault_server.py serve …`: the real `python -m bot serve`, plus two test-only questions.

A question containing FAULT makes `Citebot.ask` raise an internal error whose text (SECRET) must never
reach the browser or the API; one containing SLOW takes a second, so a burst of them fills the queue
faster than it drains. Everything else — settings, launch parameters, auth — is exactly what `serve` does.
Test code only; never imported by the bot.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from bot.assistant import Citebot
from bot.faces.cli import main
from bot.types import Answer

FAULT = "trigger-an-internal-error"
SECRET = "SECRET-INTERNAL-DETAIL in /srv/citebot/bot/secret.py KeyError"
SLOW = "slow-question"

_ask = Citebot.ask


def _test_ask(self: Citebot, question: object, history: Sequence[str] = (), mode: str = "hybrid",
              **options: object) -> Answer:
    if isinstance(question, str) and FAULT in question:
        raise RuntimeError(SECRET)
    if isinstance(question, str) and SLOW in question:
        time.sleep(1.0)  # 4 workers drain 4 a second: a burst of 100 outruns them
    return _ask(self, question, history, mode, **options)


if __name__ == "__main__":
    Citebot.ask = _test_ask  # type: ignore[method-assign]
    sys.exit(main(sys.argv[1:]))
