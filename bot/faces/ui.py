"""The web UI: a Gradio chat over the library with a citation view beside it, and the `/chat` API.

The only module that imports gradio. `build_demo` lays out the page (description, chat, example questions,
clear button, document panel) and wires a `Citebot` into it: answers stream in (the answer first, then
its sources and "Why this answer"), follow-ups are resolved from the conversation kept per browser
session, and clicking [n] or "View in document" opens the whole document in the panel, scrolled to the
passage (bot/faces/static/viewer.js asks `open_reference` for it); for PDFs and images the cited page,
with the sentence highlighted, comes first (`pageview`; Gradio's file route serves the page images from
its own temporary folder, so nothing is added to what it may serve). With a language model configured
(BOT_LLM_URL), a switch has it write the answers: its text streams in token by token and each sentence gets
its ✓/✗ as soon as it is checked. `chat` is the `/chat` API, which takes the earlier messages as an optional
`history` and the writer switch as an optional `llm`. `serve` launches with server-side rendering off and
errors hidden from the browser. HTML is built by `render`, `docview` and `pageview`; styles live in
bot/faces/static/citebot.css.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from bot.answer.conversation import Turn, turn_of
from bot.assistant import Citebot
from bot.config import PROJECT_ROOT, Settings
from bot.errors import BotError
from bot.faces.api_inputs import PadApiInputs
from bot.faces.docview import EMPTY, document_html
from bot.faces.launch_output import without_share_hint
from bot.faces.pageview import page_html
from bot.faces.progress import StageBars
from bot.faces.render import PENDING, answer_html, draft_html, error_html, escape, question_html
from bot.faces.schema import answer_dict, error_dict
from bot.faces.uploads import PrivateLibrary, Upload, receive_uploads, session_bot
from bot.ingest.reading import SUPPORTED
from bot.store.ownership import REBUILD_HINT, folder_problem
from bot.types import Draft

STATIC = Path(__file__).parent / "static"
EXAMPLES = [
    "What prompted Vance to call the Indian prime minister?",
    "Who did Vance call?",
    "Which outlet reported that India downplayed US involvement?",
    "What is the capital of France?",
]
Message = dict[str, Any]


def user_messages(history: list[Any] | None) -> list[str]:
    """The user's earlier messages, oldest first, from plain strings or Gradio role/content dicts."""
    out = []
    for message in history or []:
        if isinstance(message, str):
            out.append(message)
        elif isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                out.append(content)
            elif isinstance(content, list):  # Gradio 6 may hold content as a list of parts
                out.extend(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return out


def make_chat(bot: Citebot) -> Any:
    """The `/chat` API: one answer as `schema.answer_dict`, or `{"question", "error"}` for a user error."""
    def chat(message: str, history: list[str | dict[str, Any]] | None = None) -> dict[str, Any]:
        """Answer `message`. `history` (optional) holds the earlier user messages of the conversation, oldest
        first, as strings or {"role", "content"} dicts, so follow-ups such as "When had he met him?" work.
        The language-model writer is used when the server runs with it (`serve --llm`, `BOT_LLM=1`); the API
        keeps its two inputs so plain-HTTP callers that send `[message, history]` keep working."""
        try:
            return answer_dict(bot.ask(message, user_messages(history if isinstance(history, list) else None)))
        except BotError as err:
            return error_dict(message, str(err))
    return chat


def make_respond(bot: Citebot) -> Any:
    """The UI's chat step: streams the bubble (pending → answer → answer with sources) and keeps the turns.
    In shared use a session that uploaded files is answered from its own private library."""
    def respond(message: str, chat: list[Message] | None, turns: list[Turn] | None,
                private: PrivateLibrary | None = None, llm: bool | None = None
                ) -> Iterator[tuple[str, list[Message], list[Turn]]]:
        chat, turns = list(chat or []), list(turns or [])
        text = message if isinstance(message, str) else ""
        chat.append({"role": "user", "content": question_html(text)})

        def bubble(content: str) -> list[Message]:
            return [*chat, {"role": "assistant", "content": content}]

        yield "", bubble(PENDING), turns
        try:
            for item in session_bot(bot, private).stream(text, turns, llm=llm if isinstance(llm, bool) else None):
                if isinstance(item, Draft):
                    yield "", bubble(draft_html(item)), turns
                else:
                    answer = item
        except BotError as err:
            yield "", bubble(error_html(str(err))), turns
            return
        yield "", bubble(answer_html(answer, bot.settings.min_confidence, details=False)), turns
        yield "", bubble(answer_html(answer, bot.settings.min_confidence)), [*turns, turn_of(answer)]
    return respond


def make_upload(bot: Citebot) -> Any:
    """The UI's upload step: one status line per file, and (shared use) the session's private library."""
    def upload(paths: list[str] | None, private: PrivateLibrary | None,
               progress: gr.Progress = gr.Progress()) -> tuple[str, PrivateLibrary | None, str, None]:  # noqa: B008
        def report(stage: str, done: int, total: int, item: str = "") -> None:
            progress((done, total), desc=f"{stage} {item}".strip())

        files = [Upload(Path(p), Path(p).name) for p in paths or []]
        try:
            statuses, private = receive_uploads(bot, files, private, progress=report)
        except BotError as err:
            return error_html(str(err)), private, describe(bot), None
        lines = "\n".join(f"- {'✅' if s.ok else '⚠️'} {escape(str(s))}" for s in statuses)
        where = ("kept for this browser session only" if bot.settings.shared
                 else "saved into the documents folder")
        return f"{lines}\n\n*Uploads are {where}.*", private, describe(bot), None
    return upload


def held_notice(bot: Citebot) -> tuple[str, bool]:
    """The line saying the index was kept instead of following its folder ("" when it was not), and whether
    the user may confirm removing every document: only in local use (in shared use the library is not the
    visitor's) and only when the folder can be read (a missing folder gives nothing to follow)."""
    if not bot.held:
        return "", False
    confirmable = not bot.settings.shared and not folder_problem(bot.settings.docs_dir)
    text = bot.held.replace(REBUILD_HINT, "use the button below") if confirmable else bot.held
    return f"⚠️ {escape(text)}", confirmable


def make_confirm(bot: Citebot) -> Any:
    """The UI's confirmation that the index should follow a folder that holds none of its documents."""
    def confirm() -> tuple[str, Any, str]:
        try:
            report = bot.open(force=True)
        except BotError as err:
            return error_html(str(err)), gr.update(visible=True), describe(bot)
        return escape(str(report)), gr.update(visible=False), describe(bot)
    return confirm


def describe(bot: Citebot) -> str:
    """The page's introduction: what the bot does and what the live index holds (asked again on every page
    load, so a page opened after another process rebuilt the index counts the new build's documents)."""
    store = bot.current_store()
    names = ", ".join(escape(d.title) for d in list(store.documents.values())[:3])
    more = f" and {len(store.documents) - 3} more" if len(store.documents) > 3 else ""
    return (f"Ask about the indexed documents; every answer is made of their own sentences and cites the passages "
            f"it came from — click **\\[n\\]** to see one in its document — and the bot says so when the documents "
            f"do not answer. Follow-up questions (\"When had he met him before?\") use the conversation. Indexed: "
            f"**{_count(len(store.documents), 'document')}** ({names}{more}), "
            f"{_count(len(store.chunks), 'passage')} · model {escape(store.manifest.get('model', '?'))}." + (
                " With **Written answers** on, a language model writes the answer instead and every sentence is "
                "checked against the passage it cites; the ones that fail are listed apart." if bot.settings.llm_url
                else ""))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def build_demo(bot: Citebot) -> gr.Blocks:
    if bot.store is None:
        bot.open()

    def open_reference(reference: str) -> str:
        # PDFs and images: the cited page with the sentence highlighted, then the text view below it
        return page_html(bot.store, reference, bot.settings) + document_html(bot.store, reference)

    with gr.Blocks(title="Citebot") as demo:
        gr.Markdown("# Citebot")
        description = gr.Markdown(describe(bot), elem_id="cb-description")
        held, confirmable = held_notice(bot)
        notice = gr.Markdown(held, elem_id="cb-held", visible=bool(held))
        remove = gr.Button("Remove them: the index follows the folder", elem_id="cb-confirm-remove", size="sm",
                           variant="stop", visible=confirmable)
        turns = gr.State([])
        private = gr.State(None)  # shared use: this session's uploads and their in-memory index
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                chatbot = gr.Chatbot(
                    elem_id="cb-chat", height="62vh", min_height=320, label="Conversation",
                    sanitize_html=True, render_markdown=False, allow_tags=False, latex_delimiters=[],
                    examples=[{"text": q} for q in EXAMPLES], buttons=[],
                    placeholder="Ask a question about the documents, or pick an example.")
                box = gr.Textbox(elem_id="cb-question", placeholder="Ask about the documents…", show_label=False,
                                 submit_btn="Ask", autofocus=True, max_length=bot.settings.max_question_chars)
                clear = gr.Button("Clear conversation", elem_id="cb-clear", size="sm", variant="secondary")
                llm = gr.Checkbox(bot.settings.llm, label="Written answers: a language model writes them, and every "
                                  "sentence is checked against the passage it cites", elem_id="cb-llm",
                                  visible=bool(bot.settings.llm_url))
                with gr.Accordion("Add documents", open=False, elem_id="cb-upload"):
                    files = gr.File(file_count="multiple", type="filepath", file_types=sorted(SUPPORTED), label=(
                        f"{', '.join(sorted(SUPPORTED))} · up to {bot.settings.max_upload_mb} MB each, "
                        f"{bot.settings.max_upload_files} at a time"))
                    upload_status = gr.Markdown()
            with gr.Column(scale=2, min_width=300):
                viewer = gr.HTML(EMPTY, elem_id="cb-viewer", label="Document", js_on_load=_static("viewer.js"),
                                 server_functions=[open_reference])
        respond = make_respond(bot)
        asked = [box, chatbot, turns, private, llm]
        box.submit(respond, asked, [box, chatbot, turns], api_visibility="private")
        chatbot.example_select(_example_text, None, box, api_visibility="private").then(
            respond, asked, [box, chatbot, turns], api_visibility="private")
        files.upload(make_upload(bot), [files, private], [upload_status, private, description, files],
                     api_visibility="private")
        for event in (clear.click, chatbot.clear):
            event(lambda: ([], [], EMPTY, ""), None, [chatbot, turns, viewer, box], api_visibility="private")
        remove.click(make_confirm(bot), None, [notice, remove, description], api_visibility="private")
        demo.load(lambda: describe(bot), None, description, api_visibility="private")
        gr.api(make_chat(bot), api_name="chat")
    return demo


def _example_text(event: gr.SelectData) -> str:
    value = event.value
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def launch_options() -> dict[str, Any]:
    """The page's stylesheet; passed to `launch` (Gradio 6 takes css there, not in `Blocks`)."""
    return {"css_paths": [STATIC / "citebot.css"]}


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def serve(settings: Settings) -> None:
    # An offline bot does not phone home: Gradio's usage analytics are off unless the user turns them on.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    bot = Citebot(settings)
    bars = StageBars()
    report = bot.open(progress=bars)
    bars.close()
    for line in [*bot.notices, str(report)]:
        print(line, file=sys.stderr)
    bot.embedder.encode(["warm up"])  # load the model now, so the first question is not the slow one
    demo = build_demo(bot)
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    # A full queue answers at once with Gradio's "This application is currently busy. Please try again."
    # run_history off: its page would let any visitor send the chat to a remote bucket; monitoring off: no
    # traffic dashboard. Blocked paths keep the index, the documents and their surroundings unservable.
    # Gradio keeps ~35 KB per browser or API session (a copy of the UI config) for its 10,000 most recent
    # sessions, ~350 MB; 1,000 bounds that near 35 MB (bench/load.py --client http shows the plateau).
    # share=False: no public tunnel, even with GRADIO_SHARE set (it would download Gradio's tunnel client).
    with without_share_hint():
        demo.queue(default_concurrency_limit=4, max_size=64).launch(
            server_name=os.environ.get("GRADIO_SERVER_NAME", settings.host), server_port=settings.port,
            ssr_mode=False, show_error=False, max_file_size=f"{settings.max_upload_mb}mb", auth=auth, share=False,
            footer_links=["api"], blocked_paths=blocked_paths(settings), run_history=False, enable_monitoring=False,
            state_session_capacity=1000, app_kwargs=app_options(demo), prevent_thread_lock=True, **launch_options(),
        )
    demo.block_thread()  # what `launch` does itself without prevent_thread_lock, after its output is filtered


def app_options(demo: gr.Blocks) -> dict[str, Any]:
    """The server's FastAPI options: a plain-HTTP `/chat` call with the message alone gets history null."""
    inputs = {fn.api_name: len(fn.inputs) for fn in demo.fns.values() if fn.api_name == "chat"}
    return {"middleware": [Middleware(PadApiInputs, inputs=inputs)]}


def blocked_paths(settings: Settings) -> list[str]:
    """Folders Gradio's file routes must never serve: the index, the documents, the folder around them, the
    project and the working directory (where a `.env` lives). A folder holding Gradio's own upload folder,
    or the filesystem root, is left out: blocking it would block the uploads the UI must show."""
    uploads = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()
    folders = {p.resolve() for p in (settings.index_dir, settings.docs_dir, settings.docs_dir.parent,
                                     PROJECT_ROOT, Path.cwd())}
    return sorted(str(p) for p in folders if p != Path(p.anchor) and not uploads.is_relative_to(p))
