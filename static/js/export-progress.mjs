// Moves the export progress bar by polling the job's small JSON status, and reloads the page when the
// file is ready so the server renders the download button. Without JavaScript, "Check progress" does it.
const POLL_MILLISECONDS = 1000;

function start(container) {
  const statusUrl = container.dataset.statusUrl;
  const bar = container.querySelector("[data-export-bar]");
  const note = container.querySelector("[data-export-note]");
  const tag = container.querySelector("[data-export-status]");
  if (!statusUrl || container.dataset.finished === "true") return;

  async function poll() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const job = await response.json();
      if (bar) bar.value = job.progress;
      if (bar) bar.textContent = `${job.progress}%`;
      if (note) note.textContent = `${job.progress}% – ${job.note || "Waiting for a worker"}`;
      if (tag) tag.textContent = job.status_label;
      if (job.finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A dropped request is retried on the next tick; the "Check progress" button still works.
    }
    window.setTimeout(poll, POLL_MILLISECONDS);
  }
  window.setTimeout(poll, POLL_MILLISECONDS);
}

document.querySelectorAll('[data-module="app-export-progress"]').forEach(start);
