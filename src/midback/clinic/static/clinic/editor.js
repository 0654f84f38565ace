// The program editor, enhanced: adding, moving and removing an exercise happen in place.
// Without this module every button posts the whole form and the page comes back; with it the
// same form goes to the same address with fetch, and the exercise table, the preview and the
// notices are swapped in from the page the server sends back (the server stays the one place
// that decides what the rows and the schedule are). Anything unexpected falls back to a post.
const form = document.querySelector("form[data-editor]");
const IN_PLACE = /^(add|up-\d+|down-\d+|remove-\d+)$/;
const PARTS = ["editor-items", "editor-preview", "editor-notices"];
let busy = false;
let fallback = false;

function rowName(index) {
  const row = document.querySelectorAll("#editor-items tbody tr[data-name]")[index];
  return row ? row.dataset.name : "";
}

function whatHappened(action, before) {
  const [kind, number] = action.split("-");
  const index = Number(number);
  if (kind === "add") {
    const select = document.getElementById("add_exercise");
    const picked = select ? select.options[select.selectedIndex] : null;
    return { text: picked ? `Added ${picked.text}.` : "Added.", focus: () => lastRowInput() };
  }
  const name = before;
  if (kind === "remove") {
    return {
      text: `Removed ${name}.`,
      focus: () =>
        document.querySelector(`[value="remove-${index}"]`) ||
        document.querySelector(`[value="remove-${index - 1}"]`) ||
        document.getElementById("add_exercise"),
    };
  }
  const to = kind === "up" ? index - 1 : index + 1;
  return {
    text: `Moved ${name} ${kind}.`,
    focus: () =>
      document.querySelector(`[value="${kind}-${to}"]`) ||
      document.querySelector(`[value="${kind === "up" ? "down" : "up"}-${to}"]`),
  };
}

function lastRowInput() {
  const inputs = document.querySelectorAll("#editor-items tbody tr[data-name] input.num");
  return inputs.length ? inputs[inputs.length - 1] : null;
}

async function inPlace(submitter) {
  const action = submitter.value;
  const [, number] = action.split("-");
  const change = whatHappened(action, rowName(Number(number)));
  const body = new FormData(form, submitter);
  const items = document.getElementById("editor-items");
  items.setAttribute("aria-busy", "true");
  try {
    // Not `form.action`: the buttons are named "action", and a named control shadows it.
    const response = await fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (!response.ok || response.redirected) throw new Error(`status ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    if (PARTS.some((id) => !page.getElementById(id))) throw new Error("not the editor");
    for (const id of PARTS) document.getElementById(id).replaceWith(page.getElementById(id));
    const live = document.getElementById("editor-live");
    if (live) live.textContent = change.text;
    const target = change.focus();
    if (target) target.focus();
  } catch (error) {
    console.warn("editor: posting the page instead", error);
    // Do it the plain way: the full-page post that works without JavaScript.
    fallback = true;
    form.requestSubmit(submitter);
  } finally {
    const current = document.getElementById("editor-items");
    if (current) current.removeAttribute("aria-busy");
    busy = false;
  }
}

if (form) {
  form.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    if (fallback || !submitter || !IN_PLACE.test(submitter.value || "")) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    inPlace(submitter);
  });
}
