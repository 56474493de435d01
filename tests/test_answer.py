"""Answers: every [n] maps to a citation, citations point at real text, reference entries are followed,
nonsense abstains. Uses the fake embedder, so only structure is asserted here (quality: test_seed_e2e)."""

import re

import pytest

from bot.answer.compose import _display, _sentence_text
from bot.answer.rescore import RESCORE_PASSAGES
from bot.config import Settings


def test_every_marker_maps_to_a_citation_whose_text_is_real(fake_bot) -> None:
    answer = fake_bot.ask("Who did Vance call, and what did he urge Modi to do?")
    assert not answer.abstained
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers and sorted(set(markers)) == [c.n for c in answer.citations]
    doc = fake_bot.store.documents[answer.citations[0].doc_id]
    for c in answer.citations:
        assert doc.text[c.chunk.start:c.chunk.end] == c.chunk.text
        assert doc.text[c.sentence_start:c.sentence_end] == c.sentence
        assert c.chunk.start <= c.sentence_start < c.sentence_end <= c.chunk.end


def test_a_footnote_marker_brings_its_reference_entry(fake_bot) -> None:
    answer = fake_bot.ask("While Pakistan praised US involvement, India has downplayed it?")
    kinds = [c.chunk.kind for c in answer.citations]
    assert "reference" in kinds
    ref = answer.citations[kinds.index("reference")]
    assert ref.chunk.text.startswith("[2] Raman, Shashank.")
    assert "[2] Raman" not in answer.text  # the document's own marker is not shown as a citation marker


def test_unrelated_question_abstains_and_shows_no_citation(fake_bot) -> None:
    answer = fake_bot.ask("zebra quantum saxophone?")
    assert answer.abstained and answer.citations == ()
    assert answer.text == "I could not find this in the documents."
    assert len(answer.retrieved) > 0


def test_retrieved_is_ranked_and_bounded(fake_bot) -> None:
    answer = fake_bot.ask("Rubio ceasefire negotiations")
    # the re-scored head is ordered by best sentence (compose.by_best_sentence), the rest by fused score
    tail = [h.score for h in answer.retrieved[RESCORE_PASSAGES:]]
    assert tail == sorted(tail, reverse=True)
    assert min(h.score for h in answer.retrieved[:RESCORE_PASSAGES]) >= max(tail)
    assert answer.retrieved[0].chunk == answer.citations[0].chunk  # the passage cited first is retrieved first
    assert [h.rank for h in answer.retrieved] == list(range(1, len(answer.retrieved) + 1))
    assert len(answer.retrieved) == Settings().top_k


def test_timings_cover_every_stage(fake_bot) -> None:
    timings = fake_bot.ask("Rubio ceasefire").timings_ms
    assert set(timings) == {"embed", "retrieve", "rescore", "compose", "total"}
    assert timings["total"] >= timings["retrieve"]


# a Persian word with its zero-width non-joiner, and an emoji joined by a zero-width joiner
JOINERS_THAT_SHAPE = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb"


@pytest.mark.parametrize(("sentence", "shown"), [
    ("the two countries[2].", "the two countries."),
    ("[3] Singh, Deepa. The Diplomat.", "Singh, Deepa. The Diplomat."),
    ("- A list item.", "A list item."),
    ("Stationery comes on Wednes\u00adday to the photo\u200bcopier room.", "Stationery comes on Wednesday to the "
                                                                          "photocopier room."),
    ("Ask Pri\u200dya at the front\u2060desk\ufeff.", "Ask Priya at the frontdesk."),
    (JOINERS_THAT_SHAPE, JOINERS_THAT_SHAPE),
])
def test_display_removes_the_documents_own_markers(sentence: str, shown: str) -> None:
    assert _display(sentence) == shown


def test_a_sentence_that_points_back_is_read_with_the_one_before_it() -> None:
    from bot.answer.rescore import coverage, question_terms, score_sentences
    from bot.answer.retrieval import rank
    from bot.embed.fake import FakeEmbedder
    from bot.store.indexer import build
    from bot.types import Document

    first, second = "The most famous work of Norman art is the Bayeux Tapestry.", "It was commissioned by Odo."
    third, fourth = "Odo was also Earl of Kent.", "Many embroiderers worked on the Tapestry."
    fifth = "However, these embroiderers came from Kent."
    text = " ".join([first, second, third, fourth, fifth])
    store = build([Document("art", "art", text)], FakeEmbedder(), Settings())[0]
    query = "Who commissioned the Bayeux Tapestry?"
    ranking = rank(store, query, FakeEmbedder().encode([query])[0], 5, 200, "hybrid")
    found = {store.documents["art"].text[int(store.sentences[s.row][1]):int(store.sentences[s.row][2])]: s.coverage
             for s in score_sentences(store, query, ranking)}
    terms = question_terms(query)
    assert found[first] == pytest.approx(coverage(store.lexical, terms, first))  # nothing before it
    assert coverage(store.lexical, terms, second) < found[second] == pytest.approx(1.0)  # "It": + "Bayeux Tapestry"
    assert found[third] == 0.0  # opens with a name: read alone, not with "commissioned" before it
    assert coverage(store.lexical, terms, fifth) == 0.0 < found[fifth]  # "However, these …" follows "Tapestry"
    assert found[fifth] == pytest.approx(coverage(store.lexical, terms, f"{fourth} {fifth}"))


def test_a_question_asking_for_an_email_address_abstains_when_no_passage_holds_one(library) -> None:
    from bot.answer.rescore import score_sentences
    from bot.answer.retrieval import rank
    from bot.embed.fake import FakeEmbedder
    from bot.store.indexer import build
    from bot.types import Document

    named = "Aoife Brennan is the facilities manager, on extension 4417."
    mail = "Write to Aoife Brennan at facilities@harbour.example."
    store = build([Document("staff", "staff", f"{named} {mail}")], FakeEmbedder(), Settings())[0]
    query = "What is Aoife Brennan's email address?"
    text = store.documents["staff"].text

    def found(question: str) -> list[str]:
        ranking = rank(store, question, FakeEmbedder().encode([question])[0], 5, 200, "hybrid")
        return [text[int(store.sentences[s.row][1]):int(store.sentences[s.row][2])]
                for s in score_sentences(store, question, ranking)]

    assert sorted(found(query)) == sorted(found("Who is Aoife Brennan?")) == sorted([named, mail])  # one holds an @

    bot = library({"staff.txt": f"{named} Ciarán Ó Dónaill runs the post room, on extension 4409.\n"})
    answer = bot.ask(query)
    assert answer.abstained and answer.citations == () and answer.confidence == 0.0
    assert answer.note == "No passage found gives any email address."
    assert answer.retrieved  # the passages found are still shown, labelled as no answer
    assert not bot.ask("What is Aoife Brennan's extension?").abstained  # of no narrow kind: answered as before


def test_what_a_sentence_holds_is_read_in_its_own_words_not_its_headings(library) -> None:
    # Capitalised heading words ("Complaints and Feedback") are no person's name: before, every sentence
    # under that heading held "a person" for a who-question, and the one naming the role led the answer.
    bot = library({"practice.md": (
        "# Brookfield Dental\n\n## Complaints and Feedback\n\n"
        "Complaints should be addressed in writing to the practice manager.\n\n"
        "## Staff\n\n| Name | Role | Ext |\n|---|---|---|\n"
        "| Sophie Brennan | Practice Manager | 220 |\n| Priya Lall | Hygienist | 210 |\n")})
    answer = bot.ask("Who is the practice manager?")
    assert answer.text.startswith("| Sophie Brennan | Practice Manager | 220 | [1]"), answer.text


def test_a_sentence_that_could_hold_what_a_narrow_question_asks_for_leads(library) -> None:
    bot = library({"notice.txt": "LOST PROPERTY\n\nLost property handed to our drivers is taken to the depot and kept "
                                 "for a month. Ask at the depot office, or ring 01632 960877.\n"})

    def first(question: str) -> str:
        return _sentence_text(bot.current_store(), bot.evidence(question).scored[0].row)

    assert first("What is the phone number for lost property?") == "Ask at the depot office, or ring 01632 960877."
    # of no narrow kind, the sentence that names the topic still leads
    assert first("Where is lost property kept?").startswith("Lost property handed to our drivers")


def test_the_passage_of_the_sentence_that_leads_a_narrow_answer_is_listed_first(library) -> None:
    bot = library({"notes.txt": "Bus notes\n\nLost property handed to our drivers is taken to the depot and kept for "
                                "a month.\n\nAsk about lost property at the depot office, or ring 01632 960877.\n"})
    evidence = bot.evidence("What is the phone number for lost property?")
    assert "01632 960877" in evidence.scored[0].hit.chunk.text
    assert evidence.ranking.hits[0].chunk_id == evidence.scored[0].hit.chunk_id


def test_a_sentence_that_points_back_is_shown_after_the_one_it_points_at(library) -> None:
    bot = library({"surgery.txt": "Our nurses\n\nBronwen Hughes is our practice nurse. She runs the asthma and "
                                  "diabetes clinics and gives travel advice. Appointments last ten minutes.\n"})
    answer = bot.ask("Which nurse runs the diabetes clinic?")
    assert answer.text.startswith("Bronwen Hughes is our practice nurse. She runs the asthma and diabetes clinics "
                                  "and gives travel advice. [1]"), answer.text
    assert answer.citations[0].sentence.startswith("She runs")  # the sentence that matched stays the highlight


def test_a_narrow_questions_lead_that_points_back_is_judged_with_the_sentence_before_it(library) -> None:
    bot = library({"kettles.md": "# Kettles\n\nThe KT-220 is our compact travel kettle. It holds 0.5 litres and "
                                 "costs £29.99.\n"})
    evidence = bot.evidence("How much is the KT-220?")
    lead, named = evidence.scored[0], max(evidence.scored, key=lambda s: s.score)
    assert _sentence_text(evidence.store, lead.row) == "It holds 0.5 litres and costs £29.99."
    assert lead.score < named.score and named.dense > lead.dense  # the lead was moved up, past the named sentence
    assert evidence.features is not None and evidence.features[0] == named.dense  # and is judged with it


def test_a_notices_weekday_short_forms_are_matched_as_the_days_they_name() -> None:
    from bot.store.folding import full_days

    assert full_days("Mon.–Fri. 9am to 9pm. Sat. 10am. Tues. and Thurs. Sat & Sun") == (
        "Monday–Friday 9am to 9pm. Saturday 10am. Tuesday and Thursday Saturday & Sunday")
    assert full_days("It orbits the Sun. The Chicago Sun-Times and Sun Microsystems.") == (
        "It orbits the Sun. The Chicago Sun-Times and Sun Microsystems.")


def test_a_question_about_sunday_finds_a_notices_sun_line(library) -> None:
    bot = library({"hall.txt": "Village hall\n\nOPENING HOURS\nMon.–Fri. 9am to 9pm. Sat. 10am to 6pm. Sun. 10am to "
                               "1pm.\n"})
    evidence = bot.evidence("When is the hall open on Sunday?")
    best = evidence.scored[0]
    assert _sentence_text(evidence.store, best.row) == "Sun. 10am to 1pm."  # the document's own words
    assert best.coverage > max(s.coverage for s in evidence.scored[1:])


def test_an_faq_question_line_is_shown_with_its_answer_which_is_highlighted(library) -> None:
    from bot.answer.compose import compose

    bot = library({"faq.txt": "Hall FAQ\n\nQ: Is there parking?\nA: There are 14 spaces behind the hall.\n\n"
                              "Q: Can I bring a dog?\nA: Only assistance dogs.\n"})
    evidence = bot.evidence("Is there parking?")
    text, citations = compose(evidence.store, evidence.scored, 2)
    assert text.startswith("Q: Is there parking? A: There are 14 spaces behind the hall. [1]"), text
    assert citations[0].sentence == "A: There are 14 spaces behind the hall."


def test_a_narrow_question_whose_best_sentence_cannot_hold_what_it_asks_for_is_not_answered(library) -> None:
    # a price elsewhere in the passages found (the zip wire's) must not let the car park sentence answer
    bot = library({"minutes.txt": "Minutes of the May meeting\n\nVILLAGE HALL CAR PARK\n\nThe council discussed "
                                  "resurfacing the village hall car park and will seek quotes.\n\nPLAY AREA\n\n"
                                  "It was resolved to accept the quote of £865 plus VAT for the zip wire.\n"})
    answer = bot.ask("How much will resurfacing the village hall car park cost?")
    assert answer.abstained and answer.citations == ()
    assert answer.note == "The sentence that matches best gives no price."
    lead = bot.evidence("How much will the zip wire cost?").scored[0]  # the one that can say it still leads
    assert "£865" in _sentence_text(bot.current_store(), lead.row)


def test_digits_in_a_heading_hold_no_phone_number_for_the_sentences_under_it(library) -> None:
    bot = library({"staff.md": "# Staff Directory (2024)\n\nThe manager of the York branch is Priya Shah.\n"})
    evidence = bot.evidence("What is Priya Shah's phone number?")
    assert evidence.scored == [] and evidence.why == "No passage found gives any phone number."
