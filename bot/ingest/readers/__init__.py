"""One module per file format, each turning one file's bytes into a title and plain text.

Every reader keeps the structure the chunker understands (`#` headings, one block per paragraph, list item
or table row) and raises `DocumentError` with a plain reason for anything it cannot read. Choosing a reader
by the file's name, size limits and the child process are `bot.ingest.reading`'s and `sandbox`'s job.
"""
