"""`ChatWriter`: a `Writer` over any OpenAI-compatible chat endpoint (`POST {url}/chat/completions`, streamed).

llama.cpp's server, Ollama, vLLM, LM Studio and OpenAI all speak it. The only module that imports the HTTP
client, httpx (already installed with Gradio): its connect/read timeouts tell a down endpoint from a slow one,
and it never picks up an OpenAI key from the environment. The streamed reply is server-sent events, one
`data: {json}` line per piece, ended by `data: [DONE]`. Every failure (no connection, a timeout, an HTTP
error status, a reply that is not the protocol, a whole answer over the time limit) becomes
`WriterUnavailable` with a message that names neither the API key nor anything the endpoint sent back.
What to do with that, and with the text, is `written`'s and the assistant's business.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence

import httpx

from bot.answer.prompt import messages
from bot.answer.writer import Passage
from bot.config import Settings
from bot.errors import WriterUnavailable


class ChatWriter:
    name = "llm"

    def __init__(self, url: str, model: str = "local", api_key: str = "", connect_timeout_s: float = 5.0,
                 read_timeout_s: float = 30.0, total_timeout_s: float = 120.0, max_tokens: int = 300) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.max_tokens = max_tokens
        self.total_timeout_s = total_timeout_s
        self.read_timeout_s = read_timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # The key lives only in the client's headers: not in an attribute, a repr or a message.
        self._client = httpx.Client(headers=headers, timeout=httpx.Timeout(
            connect=connect_timeout_s, read=read_timeout_s, write=read_timeout_s, pool=connect_timeout_s))

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatWriter:
        return cls(settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_connect_timeout_s,
                   settings.llm_read_timeout_s, settings.llm_total_timeout_s, settings.llm_max_tokens)

    def __repr__(self) -> str:
        return f"ChatWriter(model={self.model!r})"

    def close(self) -> None:
        self._client.close()

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str]:
        body = {"model": self.model, "messages": messages(question, passages), "stream": True,
                "temperature": 0.0, "max_tokens": self.max_tokens}
        started = time.monotonic()
        try:
            with self._client.stream("POST", self.url, json=body) as response:
                if response.status_code != 200:
                    raise WriterUnavailable(f"The language model endpoint answered with HTTP {response.status_code}.")
                for line in response.iter_lines():
                    if time.monotonic() - started > self.total_timeout_s:
                        raise WriterUnavailable(f"The language model took longer than {self.total_timeout_s:g} s.")
                    piece = _piece(line)
                    if piece is None:
                        return
                    if piece:
                        yield piece
        except httpx.ConnectError:
            raise WriterUnavailable("The language model endpoint could not be reached.") from None
        except httpx.TimeoutException:
            raise WriterUnavailable(f"The language model did not answer within {self.read_timeout_s:g} s.") from None
        except httpx.HTTPError as err:
            raise WriterUnavailable(f"The language model endpoint failed ({type(err).__name__}).") from None
        except httpx.InvalidURL:  # not an HTTPError: "http://[::1" or a bad port passes the settings' check
            raise WriterUnavailable("BOT_LLM_URL is not a valid address; fix it (e.g. http://127.0.0.1:8080/v1)."
                                    ) from None


def _piece(line: str) -> str | None:
    """The text one server-sent-events line carries: "" for lines without text, None at `[DONE]`."""
    if not line.startswith("data:"):
        return ""  # blank separators, ": keep-alive" comments, "event:" lines
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    try:
        choices = json.loads(data).get("choices") or [{}]
        return (choices[0].get("delta") or {}).get("content") or ""
    except (ValueError, AttributeError, IndexError, TypeError):
        raise WriterUnavailable("The language model endpoint sent a reply that is not a chat completion.") from None
