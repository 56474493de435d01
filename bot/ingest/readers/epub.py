"""An EPUB e-book → text: its chapters in spine order, each marked "chapter N: Title", headings as sections.

An EPUB is a zip archive in which `META-INF/container.xml` names the package file, whose manifest lists the
book's files and whose spine gives their reading order. This module reads those two small XML files with
zipfile and lxml (entities not expanded, no network) and each chapter with the HTML reader, so headings
become `#` lines. A chapter's title comes from the table of contents (the EPUB 3 nav document, else the EPUB 2
NCX), else from its first heading; spine files without text (a cover picture) are not counted as chapters.
ebooklib would walk the package too, but it is AGPL-3.0 and parses every file of the book up front. Books
locked with DRM are refused; images, footnote pop-ups and the stylesheet are not read. Runs in the bounded
child process.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Blocks, Reading, check_archive
from bot.ingest.readers.html import read_html

WHAT = "e-book (.epub)"
_INVALID = f"the file is not a valid {WHAT}; open it in an e-book program (for example Calibre) and save it again"
_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
       "dc": "http://purl.org/dc/elements/1.1/", "ncx": "http://www.daisy.org/z3986/2005/ncx/",
       "x": "http://www.w3.org/1999/xhtml", "ops": "http://www.idpf.org/2007/ops",
       "enc": "http://www.w3.org/2001/04/xmlenc#"}
_CHAPTER_TYPES = ("application/xhtml+xml", "text/html")
# Font obfuscation (IDPF, Adobe) also lists files in encryption.xml; only these leave the text readable.
_FONT_MANGLING = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")


def read_epub(path: Path, fallback_title: str) -> Reading:
    check_archive(path, WHAT)
    blocks = Blocks()
    try:
        with zipfile.ZipFile(path) as book:
            package_path = _xml(book, "META-INF/container.xml").find(".//c:rootfile", _NS).get("full-path", "")
            package = _xml(book, package_path)
            base = posixpath.dirname(package_path)
            manifest = {item.get("id"): (_resolve(base, item.get("href", "")), item.get("media-type", ""),
                                         item.get("properties", "").split())
                        for item in package.iterfind("opf:manifest/opf:item", _NS)}
            spine = [manifest[ref.get("idref")] for ref in package.iterfind("opf:spine/opf:itemref", _NS)
                     if ref.get("idref") in manifest]
            _refuse_drm(book, {href for href, _, _ in spine})
            titles = _toc_titles(book, package, manifest)
            chapter = 0
            for href, media_type, _ in spine:
                if media_type not in _CHAPTER_TYPES:
                    continue
                try:
                    _, text = read_html(book.read(href), "")
                except DocumentError:
                    continue  # no text: a cover picture or an empty page, not a chapter
                chapter += 1
                first = text.split("\n", 1)[0]
                name = titles.get(href) or (first.lstrip("#").strip() if first.startswith("#") else "")
                blocks.add(text, f"chapter {chapter}: {name[:80]}" if name else f"chapter {chapter}")
            title = package.findtext("opf:metadata/dc:title", default="", namespaces=_NS)
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, etree.LxmlError) as err:
        raise DocumentError(_INVALID) from err
    return blocks.reading(title, fallback_title, "e-book")


def _xml(book: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(book.read(name), parser)


def _resolve(base: str, href: str) -> str:
    """A manifest or link `href` (URL-encoded, relative to the file naming it) as a path in the archive."""
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#", 1)[0])))


def _refuse_drm(book: zipfile.ZipFile, chapters: set[str]) -> None:
    if "META-INF/encryption.xml" not in book.namelist():
        return
    for data in _xml(book, "META-INF/encryption.xml").iterfind(".//enc:EncryptedData", _NS):
        method = data.find("enc:EncryptionMethod", _NS)
        reference = data.find(".//enc:CipherReference", _NS)
        if reference is None or (method is not None and method.get("Algorithm") in _FONT_MANGLING):
            continue
        if _resolve("", reference.get("URI", "")) in chapters:
            raise DocumentError("the e-book is locked with DRM and cannot be read; add a copy without DRM")


def _toc_titles(book: zipfile.ZipFile, package: etree._Element, manifest: dict) -> dict[str, str]:
    """Chapter file → its first title in the table of contents ({} when the book has none)."""
    titles: dict[str, str] = {}
    nav = next((href for href, _, props in manifest.values() if "nav" in props), None)
    toc_id = package.find("opf:spine", _NS).get("toc")
    if nav is not None:
        links = [(a.get("href", ""), " ".join(a.itertext())) for a in
                 _xml(book, nav).iterfind(".//x:nav[@ops:type='toc']//x:a", _NS)]
        base = posixpath.dirname(nav)
    elif toc_id in manifest:
        ncx = manifest[toc_id][0]
        links = [(point.find("ncx:content", _NS).get("src", ""), point.findtext("ncx:navLabel/ncx:text", "", _NS))
                 for point in _xml(book, ncx).iterfind(".//ncx:navPoint", _NS)]
        base = posixpath.dirname(ncx)
    else:
        return titles
    for href, text in links:
        titles.setdefault(_resolve(base, href), " ".join(text.split()))
    return titles
