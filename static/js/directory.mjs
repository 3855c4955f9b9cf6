// Progressive enhancement of the directory pages: without JavaScript the filter form is an ordinary
// GET form with "Apply filters" and "Sort" buttons. With it, ticking a box or choosing a sort
// fetches the same URL, swaps the directory in place, keeps focus where it was and announces the
// new number of results. The URL still holds the whole state (history.pushState), so it can be
// shared or bookmarked exactly as without JavaScript.
const container = () => document.querySelector("[data-directory]");
const form = () => document.getElementById("directory-form");

function urlOf(directoryForm) {
  const params = new URLSearchParams(new FormData(directoryForm));
  for (const [name, value] of [...params.entries()]) {
    if (value === "") params.delete(name, value);
  }
  const query = params.toString();
  return directoryForm.action.split("?")[0] + (query ? `?${query}` : "");
}

async function update(url, { push = true } = {}) {
  const current = container();
  if (!current) return;
  const focusedId = document.activeElement && document.activeElement.id;
  current.classList.add("app-updating");
  try {
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const replacement = fresh.querySelector("[data-directory]");
    if (!replacement) throw new Error("no directory in response");
    current.replaceWith(replacement);
    if (push) history.pushState({ directory: true }, "", url);
    const count = replacement.querySelector("#results-count");
    const status = document.getElementById("directory-status");
    if (status && count) status.textContent = count.textContent.trim();
    const refocus = focusedId && document.getElementById(focusedId);
    if (refocus) refocus.focus();
  } catch (error) {
    window.location.assign(url);
  } finally {
    current.classList.remove("app-updating");
  }
}

document.addEventListener("change", (event) => {
  const target = event.target;
  const directoryForm = form();
  if (!directoryForm || !(target.form === directoryForm)) return;
  if (target.type === "text" || target.type === "search") return;
  update(urlOf(directoryForm));
});

document.addEventListener("submit", (event) => {
  const directoryForm = form();
  if (event.target !== directoryForm) return;
  event.preventDefault();
  update(urlOf(directoryForm));
});

window.addEventListener("popstate", () => update(window.location.href, { push: false }));
