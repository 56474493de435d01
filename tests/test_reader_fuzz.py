"""Reader fuzzing, the fast sample CI runs (issue 14); the full run is `bench/fuzz_readers.py` (200 per format).

Every damage kind once (truncations, bit flips, zip damage, entity expansion and external entities in
zip formats' XML, broken xref and object streams, Flate and zip bombs, deeply nested HTML and XML …), each
on one of the formats it applies to (`one_of_each`), the merely slow ones at 5 % of the bench's size and
the bombs full size, beside one good file per supported format, indexed by the real CLI with the fake
embedder: `index` exits 0 without a
traceback, every damaged file is indexed or named on one "skipped" line with a plain one-line reason, no
external entity reaches the index, and every good file still answers its question.
"""

import zipfile

import pytest

from bench import fuzz_damage as damage
from bench.fuzz_damage import ZIP
from bench.fuzz_readers import FORMATS, VICTIM, damaged, index_and_ask, lay_out, one_of_each, supported
from bot.ingest.reading import SUPPORTED


@pytest.mark.slow
def test_index_survives_one_damaged_file_of_each_kind(tmp_path, monkeypatch):
    monkeypatch.setattr(damage, "SCALE", 0.05)
    formats = supported()
    assert {".txt", ".md", ".html", ".pdf", ".docx"} <= {f.suffix for f in formats}
    kinds = one_of_each(formats)
    assert {d for ds in kinds.values() for d in ds} == {d for f in formats for d in f.damages}
    names, good = lay_out(tmp_path / "docs", formats, 0, kinds=kinds)
    result = index_and_ask(tmp_path / "docs", tmp_path / "index", names, good)
    print(f"\n{len(names)} damaged files: {result['indexed']} indexed, {result['skipped']} skipped, "
          f"index {result['index_s']} s, good files answered {result['good_answered']}")
    assert result["problems"] == []
    assert result["good_answered"] == f"{len(good)}/{len(good)}"


def test_every_damage_kind_is_used_and_changes_the_file():
    for fmt in FORMATS:
        if fmt.suffix not in SUPPORTED:
            continue
        cases = damaged(fmt, len(fmt.damages) * len(fmt.makers))
        assert {name.split("-", 2)[2].rsplit(".", 1)[0] for name, _ in cases} == {d.__name__ for d in fmt.damages}
        originals = {make(VICTIM) for make in fmt.makers}
        assert all(data not in originals for _, data in cases), fmt.suffix


def test_the_zip_bomb_is_small_on_disk_and_huge_unpacked(tmp_path):
    docx = next(f for f in FORMATS if f.suffix == ".docx")
    bomb = next(data for name, data in damaged(docx, len(docx.damages)) if "zip_bomb" in name)
    path = tmp_path / "bomb.docx"
    path.write_bytes(bomb)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(i.file_size for i in archive.infolist())
    assert len(bomb) < 3 << 20 and unpacked > 250 << 20
    assert {d.__name__ for d in ZIP} >= {"entity_expansion", "external_entity", "deep_xml", "zip_bomb", "bad_crc"}
