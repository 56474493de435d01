"""Stage 4, answer: a question and a `Store` → ranked passages → an `Answer` with `[n]` citations, or abstention.

Takes the user's message (and the conversation so far) and a loaded index; gives an `Answer`. Holds question
clean-up (`question`), follow-up resolution (`conversation`), hybrid ranking and links between documents
(`retrieval`), sentence scoring and `[n]` composition (`compose`) and the fitted abstention rule
(`abstention`); and the optional language-model writer: the `Writer` protocol and its passages (`writer`), the
prompt (`prompt`), the OpenAI-compatible client (`llm_writer`), the sentence-by-sentence check (`verify`), the
stream → checked sentences step (`written`) and the extractive answer → the model's or a note why not
(`llm_answer`). Leaves to others: loading or building the index (`bot.store`), the
`Citebot` object that ties the stages together (`bot.assistant`) and every way of showing an answer (`bot.faces`).
"""
