// The directory's filters below the desktop width: hidden behind "Show filters" until asked for,
// closed again by "Show results", which moves focus to the number of results. At the desktop
// width the panel is always shown and the toggle is not. Without JavaScript the filters simply
// sit above the results.
const narrow = window.matchMedia("(max-width: 768.98px)");
let open = false;

function apply() {
  const layout = document.querySelector("[data-filter-layout]");
  const toggle = document.querySelector("[data-filter-toggle]");
  if (!layout || !toggle) return;
  const hasErrors = layout.querySelector(".govuk-form-group--error") !== null;
  const shown = !narrow.matches || open || hasErrors;
  layout.classList.toggle("app-filters-closed", !shown);
  toggle.classList.toggle("app-filters-closed-toggle", !shown);
  toggle.setAttribute("aria-expanded", String(shown));
}

document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-filter-toggle]");
  const showResults = event.target.closest("[data-show-results]");
  if (toggle) {
    open = toggle.getAttribute("aria-expanded") !== "true";
    apply();
    if (open) document.getElementById("filter-panel")?.focus();
  } else if (showResults) {
    open = false;
    apply();
    document.getElementById("results-count")?.focus();
  }
});

narrow.addEventListener("change", apply);
// The directory swaps its markup in place after each change; keep the panel as the person left it.
new MutationObserver(apply).observe(document.getElementById("main-content") || document.body, { childList: true });
apply();
