// Keeps the recompute's progress current by fetching the progress page itself and swapping in its
// status region, then reloads once the recompute is done. Without JavaScript, "Check progress" does it.
const POLL_MILLISECONDS = 1500;

function start(region) {
  if (region.dataset.finished === "true") return;

  async function poll() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = fresh.querySelector('[data-module="app-recompute-progress"]');
      if (next && next.dataset.finished === "true") {
        window.location.reload();
        return;
      }
      if (next) region.querySelector("[data-recompute-status]").replaceWith(next.querySelector("[data-recompute-status]"));
    } catch (error) {
      // A dropped request is retried on the next tick; the "Check progress" link still works.
    }
    window.setTimeout(poll, POLL_MILLISECONDS);
  }
  window.setTimeout(poll, POLL_MILLISECONDS);
}

document.querySelectorAll('[data-module="app-recompute-progress"]').forEach(start);
