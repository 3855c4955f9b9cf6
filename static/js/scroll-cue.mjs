// Shows "scroll sideways" above a wide table only when it does not fit its region.
function mark() {
  for (const region of document.querySelectorAll(".app-table-scroll")) {
    const cue = region.previousElementSibling;
    if (!cue || !cue.classList.contains("app-scroll-cue")) continue;
    cue.classList.toggle("app-scroll-cue--shown", region.scrollWidth > region.clientWidth + 1);
  }
}

window.addEventListener("resize", mark);
mark();
