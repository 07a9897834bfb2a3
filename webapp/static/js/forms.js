// Form enhancements shared by every module. Each one is switched on by a data attribute the
// server renders (core/_forms.html), and every form works without this file:
//   input[data-suggest=URL]     type-ahead on a free-text field (places): the text stays what is sent;
//                               data-suggest-choice=NAME also sends the picked suggestion's id.
//   select[data-combobox=URL]   a long <select> becomes a type-ahead; the select stays in the form
//                               (hidden) and submits the same value as before.
//   [data-maxlength=N]          a live "1,234 / 5,000 characters" counter instead of a silent cut.
//   input[type=file][data-max-bytes=N]  a too-big or wrong-type file is refused before sending, so
//                               nothing typed is lost to a refused upload.
//   .error-banner               focus moves to the first invalid field; the banner's links focus theirs.
// The type-ahead follows the WAI-ARIA combobox pattern (list autocomplete): arrow keys move through
// the options, Enter picks, Escape closes, the list is announced through aria-activedescendant.
(() => {
  "use strict";

  const lang = () => document.documentElement.lang || "en";
  const number = (n) => new Intl.NumberFormat(lang()).format(n);
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
  let uid = 0;
  const nextId = (prefix) => `${prefix}-${++uid}`;

  // ------------------------------------------------------------------ type-ahead (combobox)

  class Combobox {
    /** input: the text box people type in; options: {url, lang, empty, onPick(option), onEdit()} */
    constructor(input, options) {
      this.input = input;
      this.options = options;
      this.items = [];
      this.active = -1;
      this.timer = null;
      this.controller = null;
      this.listbox = document.createElement("ul");
      this.listbox.id = nextId("suggest");
      this.listbox.className = "suggest-list";
      this.listbox.setAttribute("role", "listbox");
      this.listbox.hidden = true;
      const label = input.labels && input.labels[0];
      if (label) {
        if (!label.id) label.id = nextId("suggest-label");
        this.listbox.setAttribute("aria-labelledby", label.id);
      }
      this.status = document.createElement("span");
      this.status.className = "visually-hidden";
      this.status.setAttribute("role", "status");
      const wrap = document.createElement("div");
      wrap.className = "suggest";
      input.parentNode.insertBefore(wrap, input);
      wrap.append(input, this.listbox, this.status);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.listbox.id);
      input.setAttribute("autocomplete", "off");
      input.addEventListener("input", () => this.onInput());
      input.addEventListener("keydown", (event) => this.onKey(event));
      input.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
      // mousedown, not click: it comes before the input's blur.
      this.listbox.addEventListener("mousedown", (event) => {
        const li = event.target.closest("li[role=option]");
        if (li) {
          event.preventDefault();
          this.pick(Number(li.dataset.index));
        }
      });
    }

    onInput() {
      this.options.onEdit?.();
      window.clearTimeout(this.timer);
      const q = this.input.value.trim();
      if (q.length < (this.options.minLength || 2)) {
        this.close();
        return;
      }
      this.timer = window.setTimeout(() => this.fetch(q), 120);
    }

    async fetch(q) {
      this.controller?.abort();
      this.controller = new AbortController();
      const url = new URL(this.options.url, window.location.href);
      url.searchParams.set("q", q);
      url.searchParams.set("lang", this.options.lang || lang());
      url.searchParams.set("limit", "8");
      try {
        const response = await window.fetch(url, { signal: this.controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return this.close();
        const items = await response.json();
        if (this.input.value.trim() !== q) return; // typed on meanwhile
        this.show(Array.isArray(items) ? items : []);
      } catch (error) {
        if (error.name !== "AbortError") this.close();
      }
    }

    show(items) {
      this.items = items;
      this.active = -1;
      this.listbox.replaceChildren();
      this.input.removeAttribute("aria-activedescendant");
      if (!items.length) {
        const li = document.createElement("li");
        li.className = "suggest-empty";
        li.textContent = this.options.empty || "—";
        this.listbox.append(li);
        this.status.textContent = this.options.empty || "";
      } else {
        items.forEach((item, index) => {
          const li = document.createElement("li");
          li.id = `${this.listbox.id}-${index}`;
          li.setAttribute("role", "option");
          li.setAttribute("aria-selected", "false");
          li.dataset.index = String(index);
          li.append(document.createTextNode(item.label));
          const detail = [item.matched, item.region, item.country].filter(Boolean).join(", ");
          if (detail) {
            const small = document.createElement("span");
            small.className = "suggest-detail";
            small.textContent = ` ${detail}`;
            li.append(small);
          }
          this.listbox.append(li);
        });
        this.status.textContent = String(items.length);
      }
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }

    close() {
      this.listbox.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.active = -1;
    }

    move(step) {
      if (this.listbox.hidden || !this.items.length) return;
      const options = this.listbox.querySelectorAll("li[role=option]");
      if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
      this.active = (this.active + step + this.items.length) % this.items.length;
      const li = options[this.active];
      li.setAttribute("aria-selected", "true");
      li.scrollIntoView({ block: "nearest" });
      this.input.setAttribute("aria-activedescendant", li.id);
    }

    onKey(event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (this.listbox.hidden && this.input.value.trim().length >= (this.options.minLength || 2)) {
          this.fetch(this.input.value.trim());
        } else {
          this.move(1);
        }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        this.move(-1);
      } else if (event.key === "Enter") {
        if (!this.listbox.hidden && this.active >= 0) {
          event.preventDefault(); // pick, do not submit the form yet
          this.pick(this.active);
        }
      } else if (event.key === "Escape") {
        if (!this.listbox.hidden) {
          event.preventDefault();
          this.close();
        }
      }
    }

    pick(index) {
      const item = this.items[index];
      if (!item) return;
      this.input.value = item.label;
      this.close();
      this.options.onPick?.(item);
      this.input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function enhancePlace(input) {
    const choiceName = input.dataset.suggestChoice;
    const form = input.form;
    const choiceInput = () => {
      let hidden = form && form.querySelector(`input[type=hidden][name="${choiceName}"][data-suggest-owned]`);
      if (!hidden && form) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = choiceName;
        hidden.dataset.suggestOwned = "1";
        form.append(hidden);
      }
      return hidden;
    };
    new Combobox(input, {
      url: input.dataset.suggest,
      lang: input.dataset.suggestLang,
      empty: input.dataset.suggestEmpty,
      onPick(item) {
        if (!choiceName || !form) return;
        // The pick answers "which one do you mean?": the offered radio buttons give way to it.
        for (const radio of form.querySelectorAll(`input[type=radio][name="${choiceName}"]`)) radio.disabled = true;
        form.querySelector(".place-choices")?.setAttribute("hidden", "");
        choiceInput().value = String(item.id);
      },
      onEdit() {
        if (!choiceName || !form) return;
        const hidden = form.querySelector(`input[type=hidden][name="${choiceName}"][data-suggest-owned]`);
        if (hidden) hidden.value = "";
      },
    });
  }

  function enhanceSelect(select) {
    const input = document.createElement("input");
    input.type = "text";
    input.id = `${select.id}-typeahead`;
    input.className = "typeahead";
    const selected = select.selectedOptions[0];
    input.value = selected && selected.value ? selected.textContent.trim() : "";
    for (const name of ["aria-describedby", "aria-invalid"]) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    }
    if (select.classList.contains("invalid")) input.classList.add("invalid");
    for (const label of select.labels || []) label.htmlFor = input.id;
    select.parentNode.insertBefore(input, select);
    select.hidden = true;
    select.tabIndex = -1;
    select.dataset.typeahead = input.id;
    const byText = new Map();
    for (const option of select.options) byText.set(option.textContent.trim().toLocaleLowerCase(), option.value);
    new Combobox(input, {
      url: select.dataset.combobox,
      lang: select.dataset.suggestLang,
      empty: select.dataset.suggestEmpty,
      minLength: 1,
      onPick(item) {
        select.value = item.id;
      },
      onEdit() {
        // Typed text that names an option exactly (in this page's language) selects it; anything
        // else leaves no choice rather than a stale one.
        select.value = byText.get(input.value.trim().toLocaleLowerCase()) ?? "";
      },
    });
  }

  // ------------------------------------------------------------------ counters

  function enhanceCounter(field) {
    const max = Number(field.dataset.maxlength);
    const counter = document.getElementById(`${field.id}-counter`);
    if (!max || !counter) return;
    const update = () => {
      const count = field.value.length;
      const over = count > max;
      counter.textContent = over
        ? fill(counter.dataset.over, { n: number(count - max) })
        : fill(counter.dataset.template, { count: number(count), max: number(max) });
      counter.classList.toggle("over", over);
      // Announced only when it matters: crossing the limit.
      counter.setAttribute("aria-live", over ? "assertive" : "off");
    };
    field.addEventListener("input", update);
    update();
  }

  // ------------------------------------------------------------------ file size and type

  function fileMessage(input) {
    const file = input.files && input.files[0];
    if (!file) return "";
    const accept = (input.accept || "").split(",").map((s) => s.trim()).filter(Boolean);
    if (accept.length && file.type && !accept.includes(file.type)) return input.dataset.wrongType || "";
    if (file.size > Number(input.dataset.maxBytes)) return input.dataset.tooLarge || "";
    return "";
  }

  function showFileError(input, message) {
    let list = document.getElementById(`${input.id}-client-errors`);
    if (!message) {
      list?.remove();
      if (!document.getElementById(`${input.id}-errors`)) input.removeAttribute("aria-invalid");
      input.classList.remove("invalid");
      return;
    }
    if (!list) {
      list = document.createElement("ul");
      list.className = "errors";
      list.id = `${input.id}-client-errors`;
      list.setAttribute("role", "alert");
      input.parentNode.insertBefore(list, input);
    }
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: message }));
    input.setAttribute("aria-invalid", "true");
    input.classList.add("invalid");
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(list.id);
    input.setAttribute("aria-describedby", [...described].join(" "));
  }

  function enhanceFile(input) {
    input.addEventListener("change", () => {
      const message = fileMessage(input);
      showFileError(input, message);
      // The refused file is dropped so the rest of the form can still be saved.
      if (message) input.value = "";
    });
    input.form?.addEventListener("submit", (event) => {
      const message = fileMessage(input);
      if (message) {
        event.preventDefault();
        showFileError(input, message);
        input.value = "";
        input.focus();
      }
    });
  }

  // ------------------------------------------------------------------ errors: focus

  function focusTarget(element) {
    if (!element) return null;
    if (element.dataset && element.dataset.typeahead) return document.getElementById(element.dataset.typeahead);
    return element;
  }

  function enhanceBanner(banner) {
    for (const link of banner.querySelectorAll("a[href^='#']")) {
      link.addEventListener("click", (event) => {
        const target = focusTarget(document.getElementById(link.getAttribute("href").slice(1)));
        if (!target) return;
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "center" });
      });
    }
    const form = banner.parentNode.querySelector("form") || document.querySelector("main form");
    const first = form && form.querySelector("[aria-invalid=true], fieldset.has-error");
    const target = focusTarget(first) || banner;
    target.focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const input of document.querySelectorAll("input[data-suggest]")) enhancePlace(input);
    for (const select of document.querySelectorAll("select[data-combobox]")) enhanceSelect(select);
    for (const field of document.querySelectorAll("[data-maxlength]")) enhanceCounter(field);
    for (const input of document.querySelectorAll("input[type=file][data-max-bytes]")) enhanceFile(input);
    const banner = document.querySelector(".error-banner");
    if (banner) enhanceBanner(banner);
  });
})();
