"""`python -m bot …`: index, ask, chat, eval and serve from a terminal.

Answers go to stdout (text, or one JSON object per line with --json, always strict JSON); progress and
build reports go to stderr. A `BotError` prints one line and exits 1; in a stdin batch a bad line gets its
own error object and the batch goes on. Without `--docs` a command uses the folder its index was built from.
Stopping is quiet and ends with the shell's status for it: a reader that closed stdout (`| head`) 141, like
a process killed by SIGPIPE; SIGTERM 143; Ctrl-C 130. This module parses arguments and prints; the work
is `Citebot`'s.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.answer.conversation import Turn, turn_of
from bot.answer.question import normalize_question
from bot.assistant import Citebot
from bot.config import Settings, load_settings
from bot.embed.choose import embedder_name
from bot.errors import BotError
from bot.faces.plain import answer_text
from bot.faces.progress import StageBars
from bot.faces.schema import answer_dict, dumps, error_dict
from bot.store.indexer import BuildReport
from bot.store.ownership import follow_index
from bot.store.sync import plan_folder
from bot.types import Answer


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        # Under a strict UTF-8 locale one undecodable byte in a stdin batch would end the batch with a
        # traceback; it becomes U+FFFD instead, and the batch goes on.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    # The bot's own notices (a one-time ONNX export, a fallback to torch) go to stderr as plain lines.
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    logging.getLogger("bot").setLevel(logging.INFO)
    if args.func is not _cmd_serve:  # the web server stops on SIGTERM by itself
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.func(args)
    except BotError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except Terminated:
        return 128 + signal.SIGTERM
    except BrokenPipeError:
        # Whoever reads stdout has gone (`| head -c 100`): nothing more can be said to them. Point stdout
        # at /dev/null so the interpreter's last flush does not print a second error on the way out.
        _silence_stdout()
        return 128 + signal.SIGPIPE


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM, so `with` blocks (the build lock, a reader child) unwind."""


def _terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout already closed or replaced: nothing to silence
        pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Ask your documents; every answer cites "
                                     "the passages it came from.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help_: str, func: object) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--docs", type=Path, help="documents folder (default: seeds/, or BOT_DOCS_DIR)")
        p.add_argument("--index", type=Path, help="index folder (default: index/, or BOT_INDEX_DIR)")
        p.set_defaults(func=func)
        return p

    p = command("index", "build or update the index for the documents folder", _cmd_index)
    p.add_argument("--rebuild", action="store_true", help="read and re-embed everything")
    p.add_argument("--dry-run", action="store_true", help="print what would be added, changed, removed or renamed, "
                   "and change nothing")
    p.add_argument("--ray", metavar="ADDRESS", help="embed on the Ray cluster at host:port (or BOT_RAY_ADDRESS); "
                   "small jobs stay in-process")
    p = command("ask", "answer a question (or one question per stdin line)", _cmd_ask)
    p.add_argument("question", nargs="?", help="omit to read one question per line from stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument("--llm", action="store_true", help=LLM_HELP)
    p = command("chat", "one conversation, one message per stdin line", _cmd_chat)
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument("--llm", action="store_true", help=LLM_HELP)
    p = command("eval", "measure retrieval, answers and abstention on a question set", _cmd_eval)
    p.add_argument("questions", type=Path, help="questions JSONL (see ../shared/eval/README.md)")
    p.add_argument("--corpus", type=Path, help="corpus JSONL ({doc_id, title, text} per line)")
    p.add_argument("--k", default="1,5,10", help="recall cut-offs, e.g. 1,5,10")
    p.add_argument("--modes", default="hybrid", help="comma-separated: hybrid, dense, bm25")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")
    p.add_argument("--folds", type=int, help="held-out figures: answer each question with the weights fitted "
                   "without its fold (K must be the fold count of bot/answer/tuned.json)")
    p.add_argument("--fold", type=int, help="with --folds: only this fold (0..K-1)")
    p = command("serve", "start the web UI", _cmd_serve)
    p.add_argument("--shared", action="store_true", help="shared deployment: uploads stay private per session")
    p.add_argument("--port", type=int)
    p.add_argument("--host")
    p.add_argument("--llm", action="store_true", help=LLM_HELP + " (by default; the page has a switch)")
    p.add_argument("--auth", type=_auth, metavar="USER:PASSWORD",
                   help="require this login (or set BOT_AUTH; the variable keeps the password out of `ps`)")
    return parser


LLM_HELP = ("have the language model at BOT_LLM_URL write the answer; every sentence is checked against the "
            "passage it cites")


def _auth(value: str) -> str:
    user, _, password = value.partition(":")
    if not user or not password:
        raise argparse.ArgumentTypeError("use the form user:password")
    return value


def settings_of(args: argparse.Namespace, **overrides: object) -> Settings:
    """Settings from the flags; without `--docs` (or BOT_DOCS_DIR), the folder the index was built from."""
    settings = load_settings(docs_dir=args.docs, index_dir=args.index, llm=getattr(args, "llm", False) or None,
                             **overrides)
    settings, line = follow_index(settings, args.docs is not None or "BOT_DOCS_DIR" in os.environ)
    if line:
        print(line, file=sys.stderr)
    return settings


def _open(args: argparse.Namespace, show_plan: bool = False, **overrides: object) -> tuple[Citebot, BuildReport]:
    bot = Citebot(settings_of(args, **overrides))
    bars = StageBars(enabled=sys.stderr.isatty() or not getattr(args, "json", False))
    report = bot.open(progress=bars, force=getattr(args, "rebuild", False))
    bars.close()
    for line in bot.notices:
        print(line, file=sys.stderr)
    if show_plan and bot.plan is not None and not bot.plan.up_to_date and report.action != "kept":
        for line in bot.plan.lines(changes_only=True):
            print(f"  {line}", file=sys.stderr)
    documents = bot.store.documents.values() if bot.store is not None else ()
    notes = {doc.source or doc.doc_id: doc.notes for doc in documents if doc.notes}  # pages a reader left out
    if show_plan or report.action == "built":  # `index` reports in full, other commands what a build found
        for line in [*map(str, bot.skipped), *(f"{name}: {note}" for name, lines in notes.items() for note in lines)]:
            print(line, file=sys.stderr)
    elif bot.skipped or notes:  # as when the index was built: said then, so one line now
        print(left_out_line(len(bot.skipped), len(notes)), file=sys.stderr)
    print(str(report), file=sys.stderr)
    return bot, report


def left_out_line(files: int, documents: int) -> str:
    """"2 files were skipped, as when the index was built; `python -m bot index` lists why." (and/or the
    documents some of whose pages were left out)."""
    parts = ([f"{files} file{'s were' if files != 1 else ' was'} skipped"] if files else []) + (
        [f"parts of {documents} document{'s' if documents != 1 else ''} were left out"] if documents else [])
    return f"{' and '.join(parts)}, as when the index was built; `python -m bot index` lists why."


def _cmd_index(args: argparse.Namespace) -> int:
    if args.dry_run:
        settings = settings_of(args)
        plan = plan_folder(settings, embedder_name(settings.model, settings.backend, settings.onnx_cache))
        print(f"Plan for the documents folder '{settings.docs_dir.name}' (dry run: nothing was changed):")
        for line in plan.lines():
            print(f"  {line}")
        if plan.up_to_date and not plan.held:
            print("The index is up to date.")
        return 0
    _, report = _open(args, show_plan=True, ray_address=args.ray)
    return 1 if report.action == "kept" else 0  # the index is not in step with the folder: say so to scripts


def _cmd_ask(args: argparse.Namespace) -> int:
    if args.question is not None:  # a question that would be refused is said before the model and index load
        normalize_question(args.question, load_settings().max_question_chars)
    bot, _ = _open(args)
    if args.question is not None:
        return _emit(bot.ask(args.question), args.json)
    failures = 0
    for line in _stdin_lines():
        try:
            _emit(bot.ask(line), args.json)
        except BotError as err:
            failures += 1
            _emit_error(line, str(err), args.json)
    return 1 if failures else 0


def _cmd_chat(args: argparse.Namespace) -> int:
    bot, _ = _open(args)
    history: list[Turn] = []  # earlier answers' evidence lets "he", "it" and "Why?" be resolved
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about your documents; an empty line or Ctrl-D ends the chat.", file=sys.stderr)
    for line in _stdin_lines(prompt="you> " if interactive else None):
        if interactive and not line.strip():
            break
        try:
            answer = bot.ask(line, history)
            _emit(answer, args.json)
            history.append(turn_of(answer))
        except BotError as err:
            _emit_error(line, str(err), args.json)
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from bot.faces.eval_cli import run_eval

    return run_eval(args)


def _cmd_serve(args: argparse.Namespace) -> int:
    from bot.faces.ui import serve

    serve(settings_of(args, port=args.port, host=args.host, shared=args.shared or None, auth=args.auth))
    return 0


def _stdin_lines(prompt: str | None = None) -> Iterator[str]:
    while True:
        try:
            line = input(prompt) if prompt else sys.stdin.readline()
        except EOFError:
            return
        if not prompt and line == "":
            return
        yield line.rstrip("\n")


def _emit(answer: Answer, as_json: bool) -> int:
    print(dumps(answer_dict(answer)) if as_json else answer_text(answer), flush=True)
    return 0


def _emit_error(question: str, message: str, as_json: bool) -> None:
    if as_json:
        print(dumps(error_dict(question, message)), flush=True)
    else:
        print(f"error: {message}", file=sys.stderr, flush=True)

