// The board's booking form: a day picked in a date input that the listing's calendar marks as
// booked or unavailable is flagged at once (aria-invalid and a message next to the field), so
// nobody waits for the server to say so. The server renders the closed days as
// "YYYY-MM-DD/YYYY-MM-DD" runs on #closed-days (data-days) and refuses them anyway; the form
// works the same without this file. Loaded by p2p/listing.html only.
(() => {
  "use strict";

  const hint = document.getElementById("closed-days");
  if (!hint) return;
  const runs = (hint.dataset.days || "")
    .split(" ")
    .filter(Boolean)
    .map((pair) => pair.split("/"));
  // ISO dates compare as strings.
  const closed = (day) => runs.some(([from, to]) => from <= day && day <= to);

  // The last day of a whole-day request also flags a closed day between the first and the last.
  const first = document.getElementById("starts_on");
  const closedUntil = (day) =>
    first && first.value && first.value <= day
      ? runs.some(([from, to]) => from <= day && to >= first.value)
      : closed(day);

  const check = (input) => {
    let note = document.getElementById(`${input.id}-closed`);
    const bad = Boolean(input.value) && (input.id === "ends_on" ? closedUntil(input.value) : closed(input.value));
    if (bad && !note) {
      note = document.createElement("span");
      note.id = `${input.id}-closed`;
      note.className = "help closed-day";
      note.setAttribute("role", "status");
      input.insertAdjacentElement("afterend", note);
    }
    if (note) note.textContent = bad ? hint.dataset.message : "";
    input.setCustomValidity(bad ? hint.dataset.message : "");
    if (bad) input.setAttribute("aria-invalid", "true");
    else if (!input.closest(".has-error")) input.removeAttribute("aria-invalid");
  };

  for (const input of document.querySelectorAll("input[data-closed-days]")) {
    input.addEventListener("change", () => {
      check(input);
      const last = document.getElementById("ends_on");
      if (input === first && last) check(last);
    });
    input.addEventListener("input", () => check(input));
    check(input);
  }
})();
