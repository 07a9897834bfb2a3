// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");
  for (const select of document.querySelectorAll("select.autosubmit")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Wide screens show the filters beside the results; browsers without ::details-content
  // (the CSS that keeps a closed <details> visible there) get it opened instead.
  if (!CSS.supports("selector(::details-content)") && window.matchMedia("(min-width: 50.01rem)").matches) {
    for (const panel of document.querySelectorAll("details.filters")) panel.open = true;
  }
  for (const el of document.querySelectorAll("[data-confirm]")) {
    el.addEventListener("submit", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  }
});
