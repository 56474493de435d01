"""Written answers over the seed article with scripted writers (no HTTP, fake embedder): sentences are cut as
the text streams, every shown sentence carries a checked citation, unsupported ones are listed with why,
abstention comes before the model, and a failing or unsupported model gives the extractive answer, saying so."""

import pytest

from bot.answer.written import SentenceCutter
from bot.assistant import NO_LLM, Citebot
from bot.errors import BotError, WriterUnavailable
from bot.types import Answer, Draft

QUESTION = "Who is the White House chief of staff?"
GOOD = "Susie Wiles is the White House chief of staff [1]."
INVENTED = "She was born on Mars in 1850 [1]."


class Scripted:
    name = "llm"

    def __init__(self, text: str, step: int = 4, fail_after: int | None = None) -> None:
        self.text, self.step, self.fail_after = text, step, fail_after
        self.calls: list[tuple[str, tuple]] = []

    def stream(self, question, passages):
        self.calls.append((question, tuple(passages)))
        for i in range(0, len(self.text), self.step):
            if self.fail_after is not None and i >= self.fail_after:
                raise WriterUnavailable("The language model endpoint could not be reached.")
            yield self.text[i:i + self.step]


def cut(text: str, step: int) -> list[str]:
    cutter = SentenceCutter()
    out = [s for i in range(0, len(text), step) for s in cutter.feed(text[i:i + step])]
    return out + cutter.close()


@pytest.mark.parametrize("step", [1, 3, 50])
def test_sentences_are_cut_as_they_stream_with_markers_after_the_stop(step) -> None:
    text = "Vance called Modi. [1] Mr. Smith said so [2].\n- a list item [3]\nThe U.S. waited [1][2]."
    assert cut(text, step) == ["Vance called Modi [1].", "Mr. Smith said so [2].", "a list item [3]",
                               "The U.S. waited [1][2]."]


def test_a_sentence_is_released_once_the_next_one_begins() -> None:
    cutter = SentenceCutter()
    assert cutter.feed("Vance called Modi.") == []
    assert cutter.feed(" [") == []  # its marker may still come
    assert cutter.feed("1] He") == ["Vance called Modi [1]."]
    assert cutter.pending == " He"


def ask(bot: Citebot, question: str = QUESTION) -> tuple[list[Draft], Answer]:
    items = list(bot.stream(question, llm=True))
    return items[:-1], items[-1]


def test_only_supported_sentences_are_shown_and_each_cites_a_checked_passage(settings, fake) -> None:
    writer = Scripted(f"{GOOD} {INVENTED} The sky is green.")
    bot = Citebot(settings, embedder=fake, writer=writer)
    drafts, answer = ask(bot)
    assert answer.writer == "llm" and answer.note == ""
    assert answer.text == GOOD
    assert [s.text for s in answer.sentences] == [GOOD] and all(s.supported for s in answer.sentences)
    assert [(s.text, s.reason) for s in answer.dropped] == [
        (INVENTED, "[1] does not mention 1850, mars"), ("The sky is green.", "it cites no passage")]
    (citation,) = answer.citations
    assert citation.n == 1 and "Susie Wiles" in citation.sentence and "Susie Wiles" in citation.chunk.text
    # Streamed: drafts grow piece by piece, and the checked sentence appears before the text is complete.
    assert len(drafts) > 10 and drafts[-1].text == writer.text
    first_checked = next(d for d in drafts if d.sentences)
    assert first_checked.sentences[0].text == GOOD and len(first_checked.text) < len(writer.text)
    # The model got the passages the extractive answer would quote, numbered from 1, best first.
    question, passages = writer.calls[0]
    assert question == QUESTION and [p.n for p in passages] == [1, 2, 3, 4]
    assert "Susie Wiles" in passages[0].text
    assert "first_token" in answer.timings_ms and "write" in answer.timings_ms


def test_abstention_comes_first_and_the_model_is_not_asked(settings, fake) -> None:
    writer = Scripted(GOOD)
    drafts, answer = ask(Citebot(settings, embedder=fake, writer=writer), "What is the capital of France?")
    assert answer.abstained and drafts == [] and writer.calls == []


def test_no_supported_sentence_gives_the_extractive_answer_and_says_so(settings, fake) -> None:
    writer = Scripted(f"{INVENTED} Wiles was born in 1901 [2].")
    bot = Citebot(settings, embedder=fake, writer=writer)
    _, answer = ask(bot)
    extractive = bot.ask(QUESTION, llm=False)
    assert answer.writer == "extractive" and answer.text == extractive.text and answer.citations
    assert answer.note == ("None of the language model's 2 sentences is supported by the passage it cites. "
                           "This is the extractive answer.")
    assert len(answer.dropped) == 2 and not any(s.supported for s in answer.dropped)
    assert all(s.supported and s.support is None for s in answer.sentences)


def test_the_model_saying_the_documents_do_not_say_gives_the_extractive_answer(settings, fake) -> None:
    _, answer = ask(Citebot(settings, embedder=fake, writer=Scripted("The documents do not say.")))
    assert answer.writer == "extractive" and not answer.abstained
    assert answer.note == "The language model found no answer in the passages. This is the extractive answer."


def test_a_model_failing_mid_answer_gives_the_extractive_answer(settings, fake) -> None:
    writer = Scripted(f"{GOOD} {GOOD}", fail_after=20)
    drafts, answer = ask(Citebot(settings, embedder=fake, writer=writer))
    assert drafts and answer.writer == "extractive" and "Susie Wiles" in answer.text
    assert answer.note == "The language model endpoint could not be reached. This is the extractive answer."


def test_the_llm_switch_without_an_endpoint_says_what_to_set(settings, fake) -> None:
    with pytest.raises(BotError, match="needs BOT_LLM_URL") as err:
        Citebot(settings.with_(llm=True), embedder=fake)
    assert str(err.value) == NO_LLM
    with pytest.raises(BotError, match="needs BOT_LLM_URL"):
        Citebot(settings, embedder=fake).ask(QUESTION, llm=True)
