// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");
  for (const select of document.querySelectorAll("select.autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Search filters (templates/_layout.html): beside the results on wide screens, behind the
  // "Filters" summary on narrow ones. CSS alone shows them on wide screens; opening the
  // <details> there too keeps its announced state true (and serves browsers without
  // ::details-content). Crossing the breakpoint folds or unfolds them.
  const wide = window.matchMedia("(min-width: 50.01rem)");
  const panels = document.querySelectorAll("details.filters");
  const fit = () => { for (const panel of panels) panel.open = wide.matches; };
  if (panels.length) {
    fit();
    wide.addEventListener("change", fit);
  }
  for (const el of document.querySelectorAll("[data-confirm]")) {
    el.addEventListener("submit", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  }
});
