"""One module per file format, each turning one file's bytes into a title and plain text.

Every reader keeps the structure the chunker understands (`#` headings, one block per paragraph or list
item, tables as Markdown pipe tables) and raises `DocumentError` with a plain reason for anything it cannot
read. Formats with places of their own (slides, sheet rows, chapters, attachments) also give location marks
(`blocks.Reading.marks` → `Document.marks`), so citations say "slide 3" or "sheet Inventory, row 18".
Choosing a reader by the file's name, size limits and the child process are `bot.ingest.reading`'s and
`sandbox`'s job.
"""
