// The article form's autosave, presence and leave warning (desk/autosave.py serves the other
// end). Every few seconds the form reports to the server: its fields when they changed since
// the last report, and that this person is still here; the answer names who else is.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const config = document.getElementById("desk-autosave");
  if (!config) return;
  const form = config.closest("form");
  const status = document.getElementById("desk-autosave-status");
  const presence = document.getElementById("desk-presence");
  const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const baseVersion = form.querySelector("[name=base_version]");
  // A new article's form names itself, so that two open at once keep two texts; the name goes
  // with the save too, which then lets go of what was kept.
  let formKey = "";
  if (config.dataset.isNew) {
    formKey = Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
    const keyInput = document.createElement("input");
    keyInput.type = "hidden";
    keyInput.name = "autosave_key";
    keyInput.value = formKey;
    form.append(keyInput);
    config.keyInput = keyInput;
  }
  let changed = false; // since the form was opened or restored: leaving asks first
  let unsent = false; // since the last report that reached the server
  let submitting = false;

  const kept = (element) =>
    element.name &&
    !element.disabled &&
    !element.name.startsWith("initial-") &&
    (element.tagName === "TEXTAREA" ||
      (element.tagName === "SELECT" && !element.multiple) ||
      (element.tagName === "INPUT" && ["text", "date", "time", "number", "url"].includes(element.type)));

  const fields = () => {
    const values = {};
    for (const element of form.elements) if (kept(element)) values[element.name] = element.value;
    return values;
  };

  const report = async (message, keepalive = false) => {
    if (formKey) message.form_key = formKey;
    const response = await fetch(config.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(message),
      credentials: "same-origin",
      keepalive,
    });
    if (!response.ok) throw new Error(`autosave answered ${response.status}`);
    return response.json();
  };

  const show = (answer) => {
    if (answer.kept_at && status) status.textContent = config.dataset.keptText.replace("%s", answer.kept_at);
    if (presence) {
      presence.hidden = answer.others.length === 0;
      presence.textContent = config.dataset.othersText.replace("%s", answer.others.join(", "));
    }
  };

  const beat = async () => {
    if (submitting) return;
    const message = {};
    if (unsent) {
      message.fields = fields();
      message.base_version = baseVersion && baseVersion.value ? Number(baseVersion.value) : null;
    }
    unsent = false;
    try {
      show(await report(message));
    } catch (error) {
      unsent = unsent || "fields" in message; // try again at the next beat
      if (status) status.textContent = config.dataset.failedText;
    }
  };

  const edited = () => {
    changed = true;
    unsent = true;
  };
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", (event) => {
    // Past the server's limit the browser would get a bare error page: say so here instead.
    let size = 0;
    for (const element of form.elements) if (element.name) size += encodeURIComponent(element.value || "").length;
    if (size > Number(config.dataset.requestLimit)) {
      event.preventDefault();
      if (status) status.textContent = config.dataset.tooBigText;
      window.alert(config.dataset.tooBigText);
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (changed && !submitting) event.preventDefault();
  });
  window.addEventListener("pagehide", () => {
    if (!submitting) report({ leaving: true }, true).catch(() => {});
  });
  setInterval(beat, Number(config.dataset.interval) * 1000);
  beat(); // at once: whoever else has the article open learns of this person at their next beat

  // Text this person left unsaved earlier, offered back.
  const offer = document.getElementById("desk-restore");
  if (offer) {
    const unsaved = JSON.parse(document.getElementById("desk-unsaved").textContent);
    const restore = offer.querySelector("[data-restore]");
    if (restore) {
      restore.addEventListener("click", () => {
        for (const [name, value] of Object.entries(unsaved.fields)) {
          const element = form.elements.namedItem(name);
          if (element && kept(element)) element.value = value;
        }
        if (baseVersion && unsaved.base_version) baseVersion.value = unsaved.base_version;
        if (formKey && unsaved.form_key) formKey = config.keyInput.value = unsaved.form_key;
        offer.remove();
        edited();
      });
    }
    offer.querySelector("[data-discard]").addEventListener("click", () => {
      const mine = formKey;
      if (unsaved.form_key) formKey = unsaved.form_key; // the kept text's own form
      report({ discard: true }).catch(() => {});
      formKey = mine;
      offer.remove();
    });
  }
});

// Each language's column: a live preview, rendered by the server as readers will see it, and a
// count of the body (characters for Chinese, words for English).
document.addEventListener("DOMContentLoaded", () => {
  const writing = document.getElementById("desk-writing");
  if (!writing) return;
  const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const counted = (text, language) =>
    language.startsWith("zh")
      ? [...text.replace(/\s/gu, "")].length
      : (text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) || []).length;

  // A Chinese-only article gets the pinyin of its title as its slug, until someone writes an
  // English title (the admin's own script then proposes from that) or a slug of their own.
  const slug = document.getElementById("id_slug");
  const englishTitle = document.getElementById("id_title_en");
  let proposed = "";
  const proposeSlug = (candidate) => {
    if (!slug || !candidate || (englishTitle && englishTitle.value.trim())) return;
    if (slug.value === "" || slug.value === proposed) slug.value = proposed = candidate;
  };

  // "Insert picture" above each body: the media library searched as one types; a picture
  // picked goes in at the cursor as a figure, with its alt text and caption in the body's
  // language (articles.rendering shows it).
  const addFigurePicker = (body, language) => {
    const picker = document.createElement("details");
    picker.className = "desk-figures";
    const summary = document.createElement("summary");
    summary.textContent = writing.dataset.insertLabel;
    const search = document.createElement("input");
    search.type = "search";
    search.placeholder = writing.dataset.searchLabel;
    search.setAttribute("aria-label", writing.dataset.searchLabel);
    const list = document.createElement("ul");
    list.className = "desk-figures__list";
    picker.append(summary, search, list);
    body.insertAdjacentElement("beforebegin", picker);

    // The figure goes in as a paragraph of its own, as typing it would (so undo takes it out).
    const insert = (picture) => {
      const figure = picture.figures[language];
      const start = body.selectionStart;
      const before = body.value.slice(0, start);
      const after = body.value.slice(body.selectionEnd);
      const lead = before.trim() ? "\n\n".slice(before.match(/\n*$/)[0].length) : "";
      const tail = after.trim() ? "\n\n".slice(after.match(/^\n*/)[0].length) : "";
      body.focus();
      if (!document.execCommand("insertText", false, lead + figure + tail)) {
        body.setRangeText(lead + figure + tail, start, body.selectionEnd, "end");
        body.dispatchEvent(new Event("input", { bubbles: true }));
      }
      picker.open = false;
    };
    const item = (picture) => {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "desk-figures__pick";
      const thumbnail = document.createElement("img");
      thumbnail.src = picture.thumbnail;
      thumbnail.alt = "";
      const label = document.createElement("span");
      label.textContent = picture.label;
      button.append(thumbnail, label);
      button.addEventListener("click", () => insert(picture));
      entry.append(button);
      return entry;
    };
    let asking = null; // the search in flight: a newer one replaces it
    const find = async () => {
      if (asking) asking.abort();
      const current = (asking = new AbortController());
      const url = new URL(writing.dataset.figuresUrl, window.location.href);
      url.searchParams.set("q", search.value);
      try {
        const response = await fetch(url, { credentials: "same-origin", signal: current.signal });
        const answer = await response.json();
        if (!response.ok) throw new Error(answer.error);
        list.replaceChildren(...answer.pictures.map(item));
        if (!answer.pictures.length) list.textContent = writing.dataset.noneText;
      } catch (error) {
        if (error.name !== "AbortError") list.textContent = writing.dataset.failedText;
      }
    };
    let timer = null;
    // A search, not a change to the article: no autosave, no leave warning, and Enter searches
    // rather than pressing the form's first button (which may publish).
    for (const kind of ["input", "change"]) {
      search.addEventListener(kind, (event) => event.stopPropagation());
    }
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(find, 250);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      clearTimeout(timer);
      find();
    });
    picker.addEventListener("toggle", () => {
      if (picker.open) find();
    });
  };

  for (const column of document.querySelectorAll("fieldset.desk-language")) {
    const field = (name) => column.querySelector(`[name^="${name}_"]`);
    const body = field("body");
    if (!body) continue;
    const language = body.dataset.language;
    if (writing.dataset.figuresUrl) addFigurePicker(body, language);
    const count = document.createElement("p");
    count.className = "help desk-count";
    body.insertAdjacentElement("afterend", count);
    const preview = document.createElement("section");
    preview.className = "desk-preview";
    preview.lang = body.lang;
    const heading = column.querySelector("h2");
    preview.setAttribute("aria-label", `${writing.dataset.previewLabel} · ${heading ? heading.textContent : language}`);
    preview.tabIndex = 0; // it scrolls: a keyboard can reach it
    const content = document.createElement("div");
    preview.append(content);
    column.append(preview);

    const showCount = () => {
      const number = counted(body.value, language).toLocaleString();
      const label = language.startsWith("zh") ? writing.dataset.charactersText : writing.dataset.wordsText;
      count.textContent = label.replace("%s", number);
    };

    let inFlight = false;
    let again = false;
    let timer = null;
    const render = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        const response = await fetch(writing.dataset.previewUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          credentials: "same-origin",
          body: JSON.stringify({
            language,
            title: field("title") ? field("title").value : "",
            summary: field("summary") ? field("summary").value : "",
            body: body.value,
          }),
        });
        const answer = await response.json();
        // The server's renderer cleans what it returns (articles.rendering): it is safe HTML.
        if (response.ok) content.innerHTML = answer.html;
        else content.textContent = answer.error;
        proposeSlug(answer.slug);
      } catch (error) {
        content.textContent = writing.dataset.failedText;
      } finally {
        inFlight = false;
        if (again) {
          again = false;
          render();
        }
      }
    };
    column.addEventListener("input", () => {
      showCount();
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    showCount();
    render();
  }
});

// The admin's search-as-you-type boxes (select2) are named by their selection alone, which is
// empty until something is chosen: name each by its field's label too.
window.addEventListener("load", () => {
  for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
    const select = box.closest(".select2-container")?.previousElementSibling;
    const label = select && select.id && document.querySelector(`label[for="${select.id}"]`);
    if (!label) continue;
    label.id ||= `${select.id}-label`;
    const shown = box.querySelector(".select2-selection__rendered");
    box.setAttribute("aria-labelledby", [label.id, shown && shown.id].filter(Boolean).join(" "));
    if (shown) shown.setAttribute("aria-labelledby", label.id);
    // A list of choices (byline, topics) types into a box of its own, made again with each
    // choice: named by the field's label each time.
    const name = () => {
      const typed = box.querySelector(".select2-search__field");
      if (typed && typed.getAttribute("aria-labelledby") !== label.id) {
        typed.setAttribute("aria-labelledby", label.id);
      }
    };
    name();
    new MutationObserver(name).observe(box, { childList: true, subtree: true });
  }
});

// A preview link to share is selected whole when its box gets focus, ready to copy.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("input.desk-share")) event.target.select();
});
