"""Gradio's start-up output, less exactly its hint to create a public link: every other line, warnings
and errors included, passes through as written (print writes a line's text and its newline apart)."""

import io

from bot.faces.launch_output import SHARE_HINT, LineFilter, without_share_hint


def test_only_the_share_hint_is_dropped(capsys) -> None:
    with without_share_hint():
        print("* Running on local URL:  http://127.0.0.1:7860")
        print(SHARE_HINT)
        print("Could not create share link. Missing file: frpc", flush=True)
        print("  " + SHARE_HINT + "  ")
        print("the last words, unterminated", end="")
    assert capsys.readouterr().out == ("* Running on local URL:  http://127.0.0.1:7860\n"
                                       "Could not create share link. Missing file: frpc\n"
                                       "the last words, unterminated")


def test_lines_written_in_pieces_are_judged_whole() -> None:
    target = io.StringIO()
    stream = LineFilter(target, (SHARE_HINT,))
    for piece in ("* To create a public ", "link, set `share=True` in `launch()`.\nkept ", "line\n", "tail"):
        stream.write(piece)
    assert target.getvalue() == "kept line\n"
    stream.flush()
    assert target.getvalue() == "kept line\ntail"
