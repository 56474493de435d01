// Citebot's citation view, run by the document panel (gr.HTML js_on_load, which provides `element`,
// `props` and `server`). One click listener on the whole page, because [n] and "View in document" live in
// chat messages that are re-rendered at will. A click opens the passage under that answer (for [n]) and
// asks the server for the whole document with the passage marked; the server returns escaped HTML only,
// and the reference it is given is a class name such as `cb-ref-<key>-<start>-<end>-<s0>-<s1>`.
const cb = (window.__citebot = window.__citebot || {});
cb.server = server;
cb.props = props;
cb.element = element;

function referenceOf(target) {
  const cls = Array.from(target.classList).find((c) => c.startsWith("cb-ref-"));
  return cls ? cls.slice("cb-ref-".length) : null;
}

function openSource(target) {
  // [n] opens its passage (a <details> of the same answer) with the supporting sentence highlighted.
  const n = (target.textContent || "").replace(/\D/g, "");
  const source = target.closest(".cb-answer")?.querySelector(".cb-source.cb-n-" + n);
  if (source) source.open = true;
}

function focusPassage(attempt) {
  // The panel re-renders after props.value changes; wait for the marked passage, then centre it.
  const focus = cb.element.querySelector("#cb-focus");
  if (!focus) {
    if (attempt < 40) requestAnimationFrame(() => focusPassage(attempt + 1));
    return;
  }
  const box = focus.closest(".cb-doc-text");
  if (box) box.scrollTop = focus.offsetTop - box.offsetTop - box.clientHeight / 3;
  const rect = cb.element.getBoundingClientRect();
  if (rect.top < 0 || rect.top > window.innerHeight - 80) cb.element.scrollIntoView({ block: "start" });
}

async function show(reference) {
  cb.props.value = '<div class="cb-docview cb-empty"><p>Opening the document…</p></div>';
  let html;
  try {
    html = await cb.server.open_reference(reference);
  } catch (err) {
    html = '<div class="cb-docview cb-empty"><p>The document could not be opened; try again.</p></div>';
  }
  cb.props.value = typeof html === "string" ? html : "";
  document.body.dataset.cbViewer = "open"; // lets tests and styles know the panel holds a document
  requestAnimationFrame(() => focusPassage(0));
}

if (!cb.installed) {
  cb.installed = true;
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest(".cb-cite, .cb-view") : null;
    const reference = target ? referenceOf(target) : null;
    if (!reference) return;
    event.preventDefault();
    if (target.classList.contains("cb-cite")) openSource(target);
    show(reference);
  });
}
