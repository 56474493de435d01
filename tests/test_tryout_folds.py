"""The tryout libraries as labelled questions (`bench.tryout`), as `bench.fit --tryouts` folds them."""

from bench.tryout import tryout_folds, tryout_questions


def test_every_tryout_question_is_read_with_its_label_and_each_library_sits_in_one_fold() -> None:
    questions = tryout_questions()
    folds = tryout_folds(5)
    libraries: dict[str, set[int]] = {}
    for folder, q in questions:
        assert q.about == (f"{folder.parent.name}/{folder.name}",)
        assert q.answerable == bool(q.answers_any)
        libraries.setdefault(q.about[0], set()).add(folds[q.qid])
    assert (len(questions), sum(q.answerable for _, q in questions), len(libraries)) == (233, 140, 28)
    assert all(len(f) == 1 for f in libraries.values())
    assert set(folds.values()) == set(range(5))
