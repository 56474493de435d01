"""Stage 1, ingest: a folder of files → `Document`s of plain text → passages (`Chunk`s) with exact spans.

Takes paths on disk (a documents folder, an uploaded file); gives `Document`s (title, text, page starts,
location marks such as "slide 3", word boxes on the page) and the chunker's passages and sentence spans.
Holds the folder scan (`folder`), one reader per format (`readers/`, chosen by `reading`), the bounded
child process that runs the risky parsers (`sandbox`), scanned pages (`scanned`: pages as images by
`page_images`, tesseract OCR by `ocr`, its cache `ocr_cache`), a PDF text layer's word boxes
(`pdf_boxes`), byte decoding (`decoding`), safe copies into the documents folder (`docs_folder`) and
`chunking`. Leaves to others: embedding (`bot.embed`), keeping an index in step with a folder (`bot.store.sync`),
and everything about questions. Imports nothing from the later stages.
"""
