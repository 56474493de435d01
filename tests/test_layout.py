"""The folder layout is the pipeline, and imports point one way down it.

Reads every module's imports (with `ast`, nothing is imported) and fails when one points the wrong way:
ingest knows nothing of the later stages, the store nothing of answers or faces, and so on; each heavy
library is imported by exactly one module; importing `bot.assistant` does not import gradio.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"

# stage → the stages it may import (besides itself). The vocabulary (types, errors, config) is open to all.
VOCABULARY = {"bot.types", "bot.errors", "bot.config", "bot"}
ALLOWED = {
    "vocabulary": set(),
    "ingest": set(),
    "embed": set(),
    "store": {"ingest", "embed"},
    "answer": {"store", "embed", "ingest"},
    "assistant": {"ingest", "embed", "store", "answer"},
    "evaluate": set(),
    "faces": {"ingest", "embed", "store", "answer", "assistant", "evaluate"},
}
# third-party library → the one module allowed to import it
ONE_HOME = {
    "gradio": "bot.faces.ui",
    "faiss": "bot.store.faiss_store",
    "sentence_transformers": "bot.embed.sbert",
    "bm25s": "bot.store.lexical",
    "breame": "bot.store.spelling",
    "pymilvus": "bot.store.milvus_store",
    "ray": "bot.store.ray_embed",
    "httpx": "bot.answer.llm_writer",
    "pdfplumber": "bot.ingest.readers.pdf",
    "spellchecker": "bot.ingest.english",
    "rapidfuzz": "bot.answer.typos",
    "pptx": "bot.ingest.readers.pptx",
    "openpyxl": "bot.ingest.readers.xlsx",
    "striprtf": "bot.ingest.readers.rtf",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> str:
    if module in VOCABULARY:
        return "vocabulary"
    second = module.split(".")[1]
    return second if second in ALLOWED else "vocabulary" if module.startswith("bot.__") else second


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "bot":  # `from bot import x` names submodules
                names += [f"bot.{a.name}" for a in node.names]
    return names


MODULES = {_module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def test_every_module_sits_in_a_stage_package() -> None:
    flat = sorted(m for m in MODULES if m.count(".") == 1 and _stage(m) not in ALLOWED
                  and m not in ("bot.__main__",))
    assert flat == [], f"modules outside the stage packages: {flat}"
    for package in ("ingest", "embed", "store", "answer", "faces"):
        init = BOT / package / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} needs a docstring"


def test_imports_point_down_the_pipeline() -> None:
    wrong = []
    for module, path in MODULES.items():
        if module in ("bot.__main__",):
            continue
        mine = _stage(module)
        for name in _imports(path):
            if not name.startswith("bot.") or name in VOCABULARY:
                continue
            theirs = _stage(name)
            if theirs != mine and theirs != "vocabulary" and theirs not in ALLOWED[mine]:
                wrong.append(f"{module} ({mine}) imports {name} ({theirs})")
    assert wrong == []


def test_each_heavy_library_has_one_home() -> None:
    found: dict[str, set[str]] = {lib: set() for lib in ONE_HOME}
    for module, path in MODULES.items():
        for name in _imports(path):
            top = name.split(".")[0]
            if top in found:
                found[top].add(module)
    for lib, modules in found.items():
        assert modules <= {ONE_HOME[lib]}, f"{lib} imported outside {ONE_HOME[lib]}: {sorted(modules)}"


def test_the_checker_sees_a_wrong_import(tmp_path) -> None:
    # The rule above must be able to fail: an ingest module importing the answer stage is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("from bot.answer.compose import compose\nimport gradio\n", encoding="utf-8")
    assert _imports(bad) == ["bot.answer.compose", "gradio"]
    assert _stage("bot.answer.compose") not in ALLOWED["ingest"]


def test_importing_the_core_does_not_import_gradio_or_torch() -> None:
    code = ("import sys, bot.assistant, bot.evaluate, bot.faces.cli; "
            "print(sorted(m for m in ('gradio', 'torch', 'sentence_transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
