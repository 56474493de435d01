"""An open index follows the live one: when another process's build makes a newer version live, it is loaded.

A web server (or any long-lived `Citebot`) loads the live version once; `bot index` in another process, or on
another machine with Milvus, may then make a newer version live: FAISS switches `CURRENT` to another folder,
Milvus moves the alias to other collections. `Follower.newer` asks the backend which version is live at most
every `Settings.index_check_s` seconds (one small file read or one alias lookup, never a reload per question)
and loads the live version only when it is not the one answering. It does not sync the documents folder
(that is the builder's job) and holds no index itself: `Citebot` swaps in what it returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.config import Settings
from bot.store import backend
from bot.store.base import Store


class Follower:
    """Which version answers, checked against the live one now and then; one per open index."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.clock = settings, clock
        self.checked = clock()  # the index was just opened: no need to look again at once
        self._lock = threading.Lock()

    def newer(self, store: Store) -> Store | None:
        """The live version, loaded, when `index_check_s` has passed since the last look and it is not `store`'s;
        else None. One thread looks at a time; the others go on answering from `store` meanwhile."""
        if self.clock() - self.checked < self.settings.index_check_s or not self._lock.acquire(blocking=False):
            return None
        try:
            if self.clock() - self.checked < self.settings.index_check_s:  # another thread just looked
                return None
            self.checked = self.clock()
            live = backend.live_version(self.settings, store)
            if live is None or live == store.manifest.get("version"):
                return None
            return backend.load(self.settings)
        finally:
            self._lock.release()
