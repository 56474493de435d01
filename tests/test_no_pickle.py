"""No pickle anywhere: build, save, load and answer with unpickling made impossible and watched for.

A fresh interpreter installs an audit hook recording every `pickle.find_class` event (raised whenever
anything is unpickled that names a class or function) and replaces `pickle.load`, `pickle.loads` and
both `Unpickler` classes with functions that fail; only then is the bot imported. It builds an index,
saves it, loads it back and answers. The fast test uses the fake embedder; the slow one the bundled
model, so loading the model itself is covered too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

SCRIPT = r"""
import json, sys, pickle, _pickle
events = []
sys.addaudithook(lambda event, args: events.append(repr(args)[:200]) if event == "pickle.find_class" else None)
attempts = []
def refuse(*args, **kwargs):
    attempts.append("unpickling attempted")
    raise RuntimeError("unpickling is not allowed here")
class RefusedC(_pickle.Unpickler):  # subclasses, so libraries that subclass them at import still import
    def __init__(self, *args, **kwargs):
        refuse()
class RefusedPy(pickle._Unpickler):
    def __init__(self, *args, **kwargs):
        refuse()
pickle.load = pickle.loads = _pickle.load = _pickle.loads = refuse
pickle.Unpickler = _pickle.Unpickler = RefusedC
pickle._Unpickler = RefusedPy

from pathlib import Path
from bot.store import faiss_store as store
from bot.assistant import Citebot
from bot.config import Settings
docs, index, model = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
Citebot(Settings(docs_dir=docs, index_dir=index, model=model)).open()        # build and save
bot = Citebot(Settings(docs_dir=docs, index_dir=index, model=model), store=store.load(index))  # load
answer = bot.ask("Who is the White House chief of staff?")                    # and answer
print(json.dumps({"find_class": events, "attempts": attempts, "cited": len(answer.citations)}))
"""


def run(docs_dir: Path, index: Path, model: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(docs_dir), str(index), model], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_unpickling_with_the_fake_embedder(docs_dir, tmp_path) -> None:
    result = run(docs_dir, tmp_path / "index", "fake")
    assert result == {"find_class": [], "attempts": [], "cited": result["cited"]} and result["cited"] > 0


@pytest.mark.slow
def test_no_unpickling_with_the_bundled_model(docs_dir, tmp_path) -> None:
    result = run(docs_dir, tmp_path / "index", "bundled")
    assert result["find_class"] == [] and result["attempts"] == [] and result["cited"] > 0
