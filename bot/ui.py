"""The web UI: a Gradio chat over the library, with cited passages under every answer.

The only module that imports gradio. `build_demo` wires a `Citebot` into a `gr.ChatInterface` whose chat
function is also the `/chat` API (reachable with gradio_client); `serve` launches it with server-side
rendering off, a file-size cap and errors hidden from the browser. Rendering is `render`'s job.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from bot.assistant import Citebot
from bot.config import PROJECT_ROOT, Settings
from bot.errors import BotError
from bot.progress import StageBars
from bot.render import answer_markdown, escape

EXAMPLES = [
    "What prompted Vance to call the Indian prime minister?",
    "Which outlet reported that India downplayed US involvement?",
    "What did the US believe about communication between the two countries?",
    "What is the capital of France?",
]


def user_messages(history: list[dict[str, Any]] | None) -> list[str]:
    """The user's earlier messages, oldest first, from a Gradio messages history."""
    out = []
    for message in history or []:
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):  # Gradio 6 may hold content as a list of parts
                out.extend(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return out


def make_chat(bot: Citebot) -> Any:
    def chat(message: str, history: list[dict[str, Any]] | None = None) -> str:
        try:
            return answer_markdown(bot.ask(message, user_messages(history)))
        except BotError as err:
            return f"⚠️ {escape(str(err))}"
    return chat


def describe(bot: Citebot) -> str:
    store = bot.store
    assert store is not None
    names = ", ".join(escape(d.title) for d in list(store.documents.values())[:3])
    more = f" and {len(store.documents) - 3} more" if len(store.documents) > 3 else ""
    return (f"Ask about the indexed documents; every answer cites the passages it came from, and the bot says "
            f"so when the documents do not answer. Indexed: **{len(store.documents)} documents** ({names}{more}), "
            f"{len(store.chunks)} passages · model `{escape(store.manifest.get('model', '?'))}`.")


def build_demo(bot: Citebot) -> gr.Blocks:
    with gr.Blocks(title="Citebot") as demo:
        gr.Markdown("# Citebot")
        gr.Markdown(describe(bot))
        gr.ChatInterface(
            make_chat(bot),
            chatbot=gr.Chatbot(height=560, sanitize_html=True, allow_tags=False, buttons=["copy"]),
            examples=EXAMPLES, api_name="chat", cache_examples=False, autofocus=True,
        )
    return demo


def serve(settings: Settings) -> None:
    # An offline bot does not phone home: Gradio's usage analytics are off unless the user turns them on.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    bot = Citebot(settings)
    bars = StageBars()
    report = bot.open(progress=bars)
    bars.close()
    print(str(report), file=sys.stderr)
    demo = build_demo(bot)
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    # A full queue answers at once with Gradio's "This application is currently busy. Please try again."
    # run_history off: its page would let any visitor send the chat to a remote bucket; monitoring off: no
    # traffic dashboard. Blocked paths keep the index, the documents and their surroundings unservable.
    # Gradio keeps ~35 KB per browser or API session (a copy of the UI config) for its 10,000 most recent
    # sessions, ~350 MB; 1,000 bounds that near 35 MB (bench/load.py --client http shows the plateau).
    demo.queue(default_concurrency_limit=4, max_size=64).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", settings.host), server_port=settings.port,
        ssr_mode=False, show_error=False, max_file_size=f"{settings.max_upload_mb}mb", auth=auth,
        footer_links=["api"], blocked_paths=blocked_paths(settings), run_history=False, enable_monitoring=False,
        state_session_capacity=1000,
    )


def blocked_paths(settings: Settings) -> list[str]:
    """Folders Gradio's file routes must never serve: the index, the documents, the folder around them, the
    project and the working directory (where a `.env` lives). A folder holding Gradio's own upload folder,
    or the filesystem root, is left out: blocking it would block the uploads the UI must show."""
    uploads = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()
    folders = {p.resolve() for p in (settings.index_dir, settings.docs_dir, settings.docs_dir.parent,
                                     PROJECT_ROOT, Path.cwd())}
    return sorted(str(p) for p in folders if p != Path(p.anchor) and not uploads.is_relative_to(p))
