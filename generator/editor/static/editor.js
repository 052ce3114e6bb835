/* portfolio edit: the form a student fills in instead of writing YAML.
 *
 * Plain JavaScript, no build step, nothing fetched from elsewhere. Every word shown comes
 * from the catalog (generator/messages/editor.toml, sent in the page as `boot.strings`);
 * every check is the server's (the same rules as `portfolio check`). The only thing
 * counted here is the number of characters while typing, counted as the checks count
 * them: grapheme clusters (Intl.Segmenter), so 👨‍👩‍👧 is one and so is 臺.
 */
"use strict";

const boot = JSON.parse(document.getElementById("boot").textContent);
const S = boot.strings;
const DRAFT_DELAY = 600;
const POLL = 400;

/* ------------------------------------------------------------------ words and numbers */

function t(key, params) {
  const template = S[key];
  if (template === undefined) return key;
  // {n:one|other}: the count and its noun, "1 file" or "2 files" (generator/i18n.py).
  return template.replace(/\{(\w+)(?::([^|}]*)\|([^}]*))?\}/g, (m, name, one, other) => {
    if (!params || params[name] === undefined) return m;
    const value = String(params[name]);
    if (one === undefined) return value;
    return value + " " + (value === "1" ? one : other);
  });
}

const segmenter = new Intl.Segmenter(boot.lang, { granularity: "grapheme" });

/* Characters as people count them (generator/text.py count_chars): grapheme clusters of
 * the text without the white space around it. */
function countChars(text) {
  let n = 0;
  for (const _ of segmenter.segment(String(text).trim())) n++;
  return n;
}

/* A Markdown text as a reader sees it (count_prose_chars): no image markup, no line breaks. */
/* Characters of Markdown as a reader sees it rendered, as the checks count N's 800
   (support/characters.py prose_text, which renders with markdown-it): no image, no link
   target, no ** of bold, heading or list marks, no spaces at a line's ends. An
   approximation of the renderer for the live counter; the check's finding is exact. */
function countProse(text) {
  const plain = String(text)
    .replace(/!\[[^[\]]*\]\([^()]*\)/g, "")
    .replace(/\[([^[\]]*)\]\([^()]*\)/g, "$1")
    .replace(/^[ \t]*(#{1,6}[ \t]+|[-*+][ \t]+|\d+[.)][ \t]+|>[ \t]?)/gm, "")
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "$1")
    .replace(/^[ \t]+|[ \t]+$/gm, "");
  return countChars(plain.replace(/[\r\n]+/g, ""));
}

/* A size as the rules say sizes (decimal megabytes), small files in kilobytes. */
function size(bytes) {
  if (bytes < 1e6) return t("size-kb", { size: Math.max(1, Math.round(bytes / 1e3)) });
  return t("size-mb", { size: (bytes / 1e6).toFixed(1) });
}

/* ------------------------------------------------------------------ the DOM */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "value") node.value = value;
    else if (key === "checked") node.checked = Boolean(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const app = document.getElementById("app");
const statusBar = document.getElementById("status");

function say(message, kind) {
  statusBar.textContent = message || "";
  statusBar.className = kind || "";
}

/* ------------------------------------------------------------------ the server */

async function api(path, body) {
  const options = { headers: { "X-Portfolio-Token": boot.token } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    return { ok: false, status: 0, data: { message: t("offline") } };
  }
  let data = {};
  try {
    data = await response.json();
  } catch (err) {
    data = { message: t("failed") };
  }
  return { ok: response.ok, status: response.status, data };
}

function sendFile(path, file, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("X-Portfolio-Token", boot.token);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = { message: t("failed") }; }
      resolve({ ok: xhr.status >= 200 && xhr.status < 300, status: xhr.status, data });
    });
    xhr.addEventListener("error", () => resolve({ ok: false, status: 0, data: { message: t("offline") } }));
    xhr.send(file);
  });
}

async function follow(job, onProgress) {
  while (job.state === "queued" || job.state === "running") {
    onProgress(job.progress);
    await new Promise((r) => setTimeout(r, POLL));
    const got = await api(`/api/job?id=${encodeURIComponent(job.id)}`);
    if (!got.ok) return { state: "failed", result: got.data };
    job = got.data;
  }
  onProgress(1);
  return job;
}

/* ------------------------------------------------------------------ findings */

function findingNode(f) {
  return el("p", { class: `finding ${f.severity}`, dataset: { code: f.code, place: f.place } },
    el("span", { class: "severity", text: f.severity_label }), " ", f.message);
}

/* Each finding beside what it concerns: a field, a file, or the top of the form. */
function showFindings(root, findings) {
  root.querySelectorAll(".findings").forEach((box) => box.replaceChildren());
  const general = root.querySelector('.findings[data-place="general"]');
  for (const f of findings) {
    const box = root.querySelector(`.findings[data-place="${CSS.escape(f.place)}"]`) || general;
    if (box) box.append(findingNode(f));
  }
  root.querySelectorAll(".field").forEach((field) => {
    const box = field.querySelector(".findings");
    field.classList.toggle("has-error", Boolean(box && box.querySelector(".error")));
  });
}

function badge(kind, label) {
  return el("span", { class: `badge ${kind}` }, label);
}

/* ------------------------------------------------------------------ routing */

let leaving = null;  // what the current view wants done before it goes (a pending draft)
let pendingDrop = null;  // files dropped on a new item, waiting for its first save

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (leaving) leaving();
  leaving = null;
  say("");
  if (parts[0] === "s" && parts[1]) {
    const slug = parts[1];
    if (parts[2] === "i" && parts[3]) return itemView(slug, parts[3]);
    if (parts[2] === "new" && parts[3]) return itemView(slug, null, parts[3]);
    if (parts[2] === "departments") return departmentsView(slug);
    if (parts[2] === "profile") return profileView(slug);
    return studentView(slug);
  }
  return homeView();
}

function go(...parts) {
  location.hash = "#/" + parts.map(encodeURIComponent).join("/");
}

/* A view's answer that arrives after the student went elsewhere is dropped. */
async function fetchFor(path) {
  const at = location.hash;
  const got = await api(path);
  return location.hash === at ? got : null;
}

function loading() {
  app.replaceChildren(el("p", { class: "loading", text: t("loading") }));
}

function failed(data) {
  app.replaceChildren(el("p", { class: "finding error", role: "alert" }, data.message || t("failed")),
    el("p", {}, el("a", { href: "#/" }, t("back-home"))));
}

function studentNav(slug, name, here) {
  const link = (target, label, key) => el("a", {
    href: `#/s/${encodeURIComponent(slug)}${target}`, class: here === key ? "here" : null,
    "aria-current": here === key ? "page" : null,
  }, label);
  return el("nav", { class: "tabs", "aria-label": name },
    link("", t("nav-items"), "items"), link("/departments", t("nav-departments"), "departments"),
    link("/profile", t("nav-profile"), "profile"));
}

/* ------------------------------------------------------------------ home: the students */

async function homeView() {
  loading();
  const got = await fetchFor("/api/students");
  if (!got) return;
  if (!got.ok) return failed(got.data);
  const students = got.data.students;
  if (students.length === 1 && !sessionStorage.getItem("stay-home")) {
    sessionStorage.setItem("stay-home", "1");
    return go("s", students[0].slug);
  }
  const list = el("ul", { class: "cards" }, students.map((s) => el("li", {},
    el("a", { class: "card", href: `#/s/${encodeURIComponent(s.slug)}` },
      el("strong", {}, s.name), " ", el("span", { class: "muted" }, s.student_id),
      el("span", { class: "badges" }, badge("plain", t("items-count", { n: s.items })),
        s.errors ? badge("error", t("errors-count", { n: s.errors })) : null,
        s.warnings ? badge("warning", t("warnings-count", { n: s.warnings })) : null)))));
  app.replaceChildren(el("h1", {}, t("students-title")),
    students.length ? list : el("p", {}, t("students-none")), newStudentForm());
}

function newStudentForm() {
  const slug = el("input", { id: "new-slug", required: true, autocomplete: "off", pattern: "[^\\s/\\\\.][^\\s/\\\\]*" });
  const name = el("input", { id: "new-name", required: true, autocomplete: "name" });
  const number = el("input", { id: "new-number", required: true, inputmode: "numeric" });
  const enrolled = el("input", { id: "new-enrolled", required: true, inputmode: "numeric" });
  const box = el("p", { class: "findings", dataset: { place: "general" } });
  const form = el("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    const got = await api("/api/student/new", { slug: slug.value.trim(), values: {
      name: name.value, student_id: number.value, enrolled: enrolled.value } });
    if (!got.ok) { box.replaceChildren(el("span", { class: "finding error" }, got.data.message)); return; }
    go("s", got.data.slug);
  } },
  field("new-name", t("field-name"), name), field("new-number", t("field-student-id"), number),
  field("new-enrolled", t("field-enrolled"), enrolled, t("hint-enrolled")),
  field("new-slug", t("field-folder"), slug, t("hint-folder")), box,
  el("button", { type: "submit", class: "primary" }, t("student-create")));
  return el("details", { class: "add" }, el("summary", {}, t("student-add")), form);
}

function field(id, label, input, hint) {
  return el("div", { class: "field" }, el("label", { for: id }, label), input,
    hint ? el("p", { class: "hint", id: `${id}-hint` }, hint) : null);
}

/* ------------------------------------------------------------------ a student's items */

async function studentView(slug) {
  loading();
  const got = await fetchFor(`/api/student?s=${encodeURIComponent(slug)}`);
  if (!got) return;
  if (!got.ok) return failed(got.data);
  const s = got.data;
  const menu = el("div", { class: "kinds", id: "kinds", hidden: true },
    el("p", { class: "hint" }, t("new-choose")),
    (s.schema || boot.schema).kinds.map((k) => el("button", { type: "button", class: "kind", dataset: { kind: k.kind },
      onclick: () => go("s", slug, "new", k.kind) }, k.label)));
  const add = el("button", { type: "button", class: "primary", id: "new-item",
    "aria-expanded": "false", "aria-controls": "kinds", onclick: () => {
      menu.hidden = !menu.hidden;
      add.setAttribute("aria-expanded", String(!menu.hidden));
    } }, t("new-item"));
  const groups = [];
  let current = null;
  for (const item of s.items) {
    const label = item.term_label || t("term-unknown");
    if (!current || current.label !== label) {
      current = { label, list: el("ul", { class: "cards" }) };
      groups.push(current);
    }
    current.list.append(el("li", {}, itemCard(slug, item)));
  }
  const general = el("div", { class: "findings", dataset: { place: "general" } });
  app.replaceChildren(
    el("h1", {}, s.name, " ", el("span", { class: "muted" }, s.student_id)),
    studentNav(slug, s.name, "items"), general, add, menu,
    ...(s.items.length ? groups.map((g) => el("section", {}, el("h2", {}, g.label), g.list))
      : [el("p", {}, t("items-none"))]));
  showFindings(app, s.findings);
}

function itemCard(slug, item) {
  const summary = item.summary;
  const over = summary.chars > summary.limit;
  return el("a", { class: "card", href: `#/s/${encodeURIComponent(slug)}/i/${encodeURIComponent(item.id)}`,
    dataset: { item: item.id } },
  el("strong", {}, item.title), el("span", { class: "muted kind" }, item.kind || t("item-broken")),
  el("span", { class: "badges" },
    item.errors ? badge("error", t("errors-count", { n: item.errors })) : null,
    item.warnings ? badge("warning", t("warnings-count", { n: item.warnings })) : null,
    !item.errors && !item.warnings && !item.broken ? badge("ok", t("clean")) : null,
    badge(over ? "error" : "plain", t("summary-count", { n: summary.chars, limit: summary.limit })),
    badge("plain", t("files-count", { n: item.files })),
    item.ticked ? badge("ok", t("ticked", { year: item.ticked })) : badge("plain", t("not-ticked")),
    item.departments.map((code) => badge("dep", code))));
}

/* ------------------------------------------------------------------ an item's form */

function inputFor(f, onChange) {
  const id = `f-${f.key}`;
  const described = f.hint ? `${id}-hint` : null;
  let input;
  if (f.kind === "textarea" || f.kind === "lines") {
    input = el("textarea", { id, name: f.key, rows: f.kind === "lines" ? 3 : 4, value: f.value,
      "aria-describedby": described });
  } else if (f.kind === "bool") {
    input = el("input", { id, name: f.key, type: "checkbox", checked: f.value === true });
  } else if (f.kind === "choice" || f.kind === "year") {
    input = el("select", { id, name: f.key, "aria-describedby": described });
    const options = f.kind === "year"
      ? [["", t("not-ticked")], ...f.years.map((y) => [String(y), t("year-label", { year: y })])]
      : [...(f.noblank ? [] : [["", f.blank || t("choose")]]), ...f.choices];
    if (f.value && !options.some(([v]) => v === f.value)) options.push([f.value, f.value]);
    for (const [value, label] of options) input.append(el("option", { value }, label));
    input.value = f.value || "";
  } else if (f.kind === "term") {
    return termInput(f, onChange);
  } else {
    // A date written some other way by hand stays as it is (the check says what is wrong);
    // a date picker would show it empty, and saving would lose it.
    const picker = f.kind === "date" && (!f.value || /^\d{4}-\d{2}-\d{2}$/.test(f.value));
    input = el("input", { id, name: f.key, type: picker ? "date" : "text",
      inputmode: f.kind === "number" ? "decimal" : null, value: f.value,
      list: f.choices && f.choices.length ? `${id}-list` : null, "aria-describedby": described });
  }
  input.addEventListener("input", onChange);
  input.addEventListener("change", onChange);
  const out = [input];
  if (f.kind === "text" && f.choices && f.choices.length) {
    out.push(el("datalist", { id: `${id}-list` }, f.choices.map(([v]) => el("option", { value: v }))));
  }
  return out;
}

function termInput(f, onChange) {
  const match = /^(\d{3})([12])$/.exec(f.value || "");
  const year = el("select", { id: `f-${f.key}`, name: `${f.key}-year`, "aria-label": t("term-year") },
    el("option", { value: "" }, t("choose")),
    f.years.map((y) => el("option", { value: String(y) }, t("year-label", { year: y }))));
  if (match && !f.years.includes(Number(match[1]))) year.append(el("option", { value: match[1] }, match[1]));
  const semester = el("select", { name: `${f.key}-semester`, "aria-label": t("term-semester") },
    el("option", { value: "" }, t("choose")),
    el("option", { value: "1" }, t("semester-1")), el("option", { value: "2" }, t("semester-2")));
  year.value = match ? match[1] : "";
  semester.value = match ? match[2] : "";
  const wrap = el("div", { class: "pair", dataset: { term: f.key } }, year, semester);
  wrap.termValue = () => (year.value && semester.value ? year.value + semester.value
    : (!match && f.value && !year.value && !semester.value ? f.value : ""));
  for (const s of [year, semester]) { s.addEventListener("change", onChange); }
  return [wrap];
}

function readField(form, f) {
  if (f.kind === "term") {
    const wrap = form.querySelector(`[data-term="${CSS.escape(f.key)}"]`);
    return wrap.termValue();
  }
  const input = form.querySelector(`[name="${CSS.escape(f.key)}"]`);
  if (!input) return undefined;
  if (f.kind === "bool") return input.checked;
  return input.value;
}

async function itemView(slug, itemId, kind) {
  loading();
  const url = itemId ? `/api/item?s=${encodeURIComponent(slug)}&i=${encodeURIComponent(itemId)}`
    : `/api/new?s=${encodeURIComponent(slug)}&kind=${encodeURIComponent(kind)}`;
  const got = await fetchFor(url);
  if (!got) return;
  if (!got.ok) return failed(got.data);
  renderItem(got.data);
}

function renderItem(data) {
  const state = { data, dirty: false, timer: null, saving: false };
  const slug = data.student;
  const form = el("form", { class: "item-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); save(); } });
  const changed = () => {
    state.dirty = true;
    say(t("unsaved"), "unsaved");
    updateCounter();
    clearTimeout(state.timer);
    state.timer = setTimeout(draft, DRAFT_DELAY);
  };
  leaving = () => clearTimeout(state.timer);

  const title = el("h1", {}, data.kind, data.id ? el("span", { class: "muted" }, " ", data.id) : null);
  const parts = [title, studentNav(slug, data.student_name, "items"),
    el("div", { class: "findings", dataset: { place: "general" }, role: "region", "aria-label": t("findings") })];
  if (data.problem || !data.editable) {
    parts.push(el("p", { class: "hint" }, t("not-editable-hint")));
    app.replaceChildren(...parts);
    const problem = data.problem ? [data.problem] : [];
    showFindings(app, [...problem, ...data.findings.filter((f) => !data.problem || f.message !== data.problem.message)]);
    return;
  }
  if (data.new) {
    const id = el("input", { id: "f-id", name: "new_id", value: data.suggested_id, required: true,
      autocomplete: "off", "aria-describedby": "f-id-hint" });
    id.addEventListener("input", changed);
    form.append(el("div", { class: "field" }, el("label", { for: "f-id" }, t("field-folder")), id,
      el("p", { class: "hint", id: "f-id-hint" }, t("hint-item-folder"))));
  }
  let counter = null;
  for (const f of data.fields) {
    const label = el("label", { for: `f-${f.key}` }, f.label, f.required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null);
    const box = el("div", { class: `field kind-${f.kind}`, dataset: { field: f.key } }, label);
    if (f.kind === "bool") box.classList.add("check");
    box.append(...inputFor(f, changed));
    if (f.limit) {
      counter = el("p", { class: "counter", id: "summary-counter", "aria-live": "polite" });
      box.append(counter);
    }
    if (f.hint) box.append(el("p", { class: "hint", id: `f-${f.key}-hint` }, f.hint));
    box.append(el("div", { class: "findings", dataset: { place: f.key } }));
    form.append(box);
  }
  const summaryField = data.fields.find((f) => f.limit);
  function updateCounter() {
    if (!counter || !summaryField) return;
    const n = countChars(form.querySelector(`[name="${summaryField.key}"]`).value);
    counter.textContent = t("counter", { n, limit: summaryField.limit });
    counter.classList.toggle("over", n > summaryField.limit);
    counter.dataset.count = String(n);
  }
  updateCounter();

  // The files: 文件, 影音, 照片. Dropped files are copied into the item's folder at once.
  const filesBox = el("section", { class: "files", "aria-labelledby": "files-title" },
    el("h2", { id: "files-title" }, t("files-title")), el("p", { class: "hint" }, t("files-hint")),
    el("div", { class: "findings", dataset: { place: "files" } }));
  const zones = {};
  for (const slot of ["document", "media", "images"]) {
    zones[slot] = el("div", { class: "zone", dataset: { slot } });
    filesBox.append(zones[slot]);
  }
  form.append(filesBox);

  // The reflection, in Markdown, with the site's own rendering as its preview.
  const body = el("textarea", { id: "f-body", name: "body", rows: 12, value: data.body, "aria-describedby": "f-body-hint" });
  body.addEventListener("input", changed);
  const preview = el("div", { class: "rendered", id: "body-preview", hidden: true });
  const toggle = el("button", { type: "button", class: "secondary", id: "body-preview-toggle",
    "aria-expanded": "false", onclick: async () => {
      if (preview.hidden) {
        const got = await api("/api/markdown", { s: slug, i: state.data.id, text: body.value });
        // Sanitised by the server exactly as the site sanitises it (nh3 allow-list).
        preview.innerHTML = got.ok ? got.data.html : "";
      }
      preview.hidden = !preview.hidden;
      body.hidden = !preview.hidden;
      toggle.textContent = preview.hidden ? t("preview-show") : t("preview-edit");
      toggle.setAttribute("aria-expanded", String(!preview.hidden));
    } }, t("preview-show"));
  form.append(el("div", { class: "field", dataset: { field: "body" } },
    el("label", { for: "f-body" }, t("field-body")), body, preview,
    el("p", { class: "hint", id: "f-body-hint" }, t("hint-body")), toggle,
    el("div", { class: "findings", dataset: { place: "body" } })));

  const depBox = el("section", { class: "deps" }, el("h2", {}, t("nav-departments")),
    el("p", { class: "dep-list" }), el("div", { class: "findings", dataset: { place: "departments" } }));
  form.append(depBox);

  const saveButton = el("button", { type: "submit", class: "primary", id: "save" }, t("save"));
  const previewButton = el("button", { type: "button", class: "secondary", id: "preview",
    disabled: data.new, onclick: () => makePreview() }, t("preview-page"));
  const previewLink = el("p", { class: "preview-link" });
  form.append(el("div", { class: "actions" }, saveButton, previewButton), previewLink);
  parts.push(form);
  app.replaceChildren(...parts);

  function values() {
    const out = {};
    for (const f of state.data.fields) {
      const v = readField(form, f);
      if (v !== undefined) out[f.key] = v;
    }
    return out;
  }

  function payload() {
    const d = state.data;
    return { s: slug, i: d.id, new_id: d.new ? form.querySelector('[name="new_id"]').value.trim() : undefined,
      kind: d.new ? (d.category || "course") : undefined, base: d.hash,
      values: values(), files: d.files, body: body.value };
  }

  async function draft() {
    const sent = payload();
    if (state.data.new && !sent.new_id) return;
    const got = await api("/api/item/draft", sent);
    if (got.ok && !state.saving) {
      showFindings(app, got.data.findings);
      markFiles();
    }
  }

  async function save() {
    clearTimeout(state.timer);
    state.saving = true;
    saveButton.disabled = true;
    say(t("saving"));
    const got = await api("/api/item/save", payload());
    state.saving = false;
    saveButton.disabled = false;
    if (!got.ok) {
      pendingDrop = null;
      return refused(got);
    }
    state.dirty = false;
    say(t("saved"), "saved");
    if (state.data.new) {
      history.replaceState(null, "", `#/s/${encodeURIComponent(slug)}/i/${encodeURIComponent(got.data.id)}`);
      return renderItem(got.data);
    }
    refresh(got.data);
    return got.data;
  }

  function refused(got) {
    if (got.status === 409 && got.data.error === "edit-conflict") {
      const reload = el("button", { type: "button", class: "primary", id: "reload",
        onclick: () => route() }, t("reload"));
      say("");
      const box = app.querySelector('.findings[data-place="general"]');
      box.replaceChildren(el("div", { class: "finding error conflict", role: "alert" },
        el("p", {}, got.data.message), reload));
      box.scrollIntoView({ block: "center" });
      return null;
    }
    say(got.data.message || t("failed"), "error");
    return null;
  }

  function refresh(newData) {
    // The fields keep what is typed; the rest (hash, files, findings) is the server's word.
    state.data = { ...state.data, hash: newData.hash, files: newData.files, folder: newData.folder,
      uploads: newData.uploads, findings: newData.findings, summary: newData.summary,
      departments: newData.departments };
    drawFiles();
    showFindings(app, newData.findings);
    markFiles();
    drawDepartments();
  }

  function drawDepartments() {
    const list = depBox.querySelector(".dep-list");
    const codes = state.data.departments;
    list.replaceChildren(...(codes.length ? codes.map((c) => badge("dep", c)) : [t("no-departments")]), " ",
      el("a", { href: `#/s/${encodeURIComponent(slug)}/departments` }, t("departments-edit")));
  }

  function drawFiles() {
    const d = state.data;
    for (const slot of ["document", "media", "images"]) {
      const zone = zones[slot];
      const names = slot === "images" ? d.files.images : (d.files[slot] ? [d.files[slot]] : []);
      const input = el("input", { type: "file", id: `file-${slot}`, class: "file-input",
        multiple: slot === "images",
        accept: boot.schema.types[slot].map((x) => "." + x).join(","),
        onchange: (e) => receive(slot, [...e.target.files]) });
      const limit = slot === "media" ? boot.schema.limits.media_mb : boot.schema.limits.document_mb;
      zone.replaceChildren(
        el("h3", {}, t(`slot-${slot}`)),
        el("p", { class: "hint" }, t(`slot-${slot}-hint`, { types: boot.schema.types[slot].join(" / "), limit })),
        el("ul", { class: "file-list" }, names.map((name) => fileRow(slot, name))),
        el("label", { class: "drop", for: `file-${slot}` }, t(d.new ? "drop-after-save" : "drop-here")), input,
        el("progress", { class: "sending", max: 1, value: 0, hidden: true }));
    }
  }

  function fileRow(slot, name) {
    const d = state.data;
    const info = d.folder.find((f) => f.name === name);
    const copies = d.uploads.filter((u) => u.slot === slot);
    const row = el("li", { class: "file", dataset: { file: name, slot } },
      info && info.picture ? el("img", { class: "thumb", alt: "", src:
        `/api/file?s=${encodeURIComponent(slug)}&i=${encodeURIComponent(d.id)}&name=${encodeURIComponent(name)}` }) : null,
      el("span", { class: "name" }, name),
      info ? el("span", { class: "muted" }, size(info.size)) : el("span", { class: "muted" }, t("file-not-found")),
      el("button", { type: "button", class: "link", onclick: () => detach(slot, name) }, t("file-remove")),
      el("div", { class: "findings", dataset: { place: `file:${name}` } }),
      slot !== "images" ? el("div", { class: "fit" },
        el("button", { type: "button", class: "secondary fit-button", hidden: true, onclick: () => fit(row) }, t("fit")),
        el("progress", { class: "fitting", max: 1, value: 0, hidden: true }),
        el("div", { class: "copies" }, copies.map((c) => el("p", { class: "copy" },
          t("copy-ready", { name: c.name, size: size(c.size) }), " ",
          el("a", { href: c.url, target: "_blank", rel: "noopener" }, t("copy-open")))))) : null);
    return row;
  }

  // 「做成上傳版」 where a file is over its limit, or carries where it was taken.
  function markFiles() {
    app.querySelectorAll(".file").forEach((row) => {
      const button = row.querySelector(".fit-button");
      if (!button) return;
      const codes = [...row.querySelectorAll(".finding")].map((f) => f.dataset.code);
      button.hidden = !codes.some((c) => c === "file-too-large" || c === "personal-data");
    });
  }

  async function detach(slot, name) {
    const files = { ...state.data.files };
    if (slot === "images") files.images = files.images.filter((n) => n !== name);
    else files[slot] = "";
    state.data.files = files;
    drawFiles();
    changed();
  }

  async function receive(slot, files) {
    if (!files.length) return;
    if (state.data.new) {
      // The first save draws the saved item's form, which takes the files from here.
      pendingDrop = { slot, files };
      await save();
      return;
    }
    if (state.dirty && !(await save())) return;
    const zone = zones[slot];
    const bar = zone.querySelector(".sending");
    for (const file of files) {
      if (file.size > boot.schema.limits.upload_mb * 1e6) {
        say(t("upload-over", { limit: boot.schema.limits.upload_mb }), "error");
        continue;
      }
      bar.hidden = false;
      say(t("sending", { name: file.name }));
      const q = new URLSearchParams({ s: slug, i: state.data.id, slot, name: file.name, base: state.data.hash || "" });
      const got = await sendFile(`/api/upload?${q}`, file, (x) => { bar.value = x; });
      bar.hidden = true;
      if (!got.ok) { refused(got); continue; }
      say(t("received", { name: got.data.received }), "saved");
      refresh(got.data);
    }
  }

  async function fit(row) {
    const button = row.querySelector(".fit-button");
    const bar = row.querySelector(".fitting");
    button.disabled = true;
    bar.hidden = false;
    say(t("fitting"));
    const got = await api("/api/fit", { s: slug, i: state.data.id });
    if (!got.ok) { button.disabled = false; bar.hidden = true; return refused(got); }
    const job = await follow(got.data, (x) => { bar.value = x; });
    bar.hidden = true;
    button.disabled = false;
    if (job.state !== "done") return say((job.result && job.result.message) || t("failed"), "error");
    say(t("fitted"), "saved");
    refresh(job.result.item);
    for (const done of job.result.files) {
      const target = app.querySelector(`.file[data-slot="${done.slot}"] .copies`);
      if (target) for (const f of done.findings) target.append(findingNode(f));
    }
  }

  async function makePreview() {
    if (state.dirty) await save();
    previewButton.disabled = true;
    const bar = el("progress", { max: 1 });
    previewLink.replaceChildren(t("preview-building"), " ", bar);
    const got = await api("/api/preview", { s: slug, i: state.data.id });
    if (!got.ok) { previewButton.disabled = false; return refused(got); }
    const job = await follow(got.data, () => {});
    previewButton.disabled = false;
    if (job.state !== "done") { previewLink.replaceChildren(); return say(t("failed"), "error"); }
    previewLink.replaceChildren(el("a", { href: job.result.url, target: "_blank", rel: "noopener", id: "preview-open" }, t("preview-open")));
  }

  form.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); save(); }
  });
  for (const slot of Object.keys(zones)) {
    const zone = zones[slot];
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      receive(slot, [...e.dataTransfer.files]);
    });
  }
  drawFiles();
  drawDepartments();
  showFindings(app, data.findings);
  markFiles();
  if (pendingDrop && !data.new) {
    const { slot, files } = pendingDrop;
    pendingDrop = null;
    receive(slot, files);
  }
}

/* ------------------------------------------------------------------ departments */

async function departmentsView(slug) {
  loading();
  const got = await fetchFor(`/api/departments?s=${encodeURIComponent(slug)}`);
  if (!got) return;
  if (!got.ok) return failed(got.data);
  renderDepartments(slug, got.data);
}

function renderDepartments(slug, data) {
  const state = { data, timer: null };
  // The student's own track: its codes, the parts of its 自述, its limits (none: not capped).
  const schema = data.schema || boot.schema;
  const limits = schema.limits;
  const head = [el("h1", {}, t("departments-title")), studentNav(slug, data.student_name, "departments"),
    el("div", { class: "findings", dataset: { place: "general" } })];
  if (!data.editable) {
    app.replaceChildren(...head, el("p", { class: "hint" }, t("not-editable-hint")));
    showFindings(app, [data.problem]);
    return;
  }
  const list = el("div", { class: "departments" });
  const deps = data.departments.map((d) => ({ ...d }));
  const changed = () => {
    say(t("unsaved"), "unsaved");
    clearTimeout(state.timer);
    state.timer = setTimeout(draft, DRAFT_DELAY);
    drawCounts();
  };
  leaving = () => clearTimeout(state.timer);

  function card(dep, n) {
    const box = el("fieldset", { class: "department", dataset: { index: String(n) } },
      el("legend", {}, dep.name || dep.code || t("department-new")));
    const text = (key, label, hint, attrs) => {
      const id = `d${n}-${key}`;
      const input = el("input", { id, value: dep[key], ...(attrs || {}) });
      input.addEventListener("input", () => { dep[key] = input.value; changed(); });
      return field(id, label, input, hint);
    };
    box.append(text("code", t("dep-code"), t("hint-dep-code"), { inputmode: "numeric", autocomplete: "off" }),
      text("name", t("dep-name")));
    const picker = (key, type, limit) => {
      const items = state.data.items.filter((i) => i.type === type);
      const count = el("p", { class: "count", dataset: { count: key } });
      const listBox = el("ul", { class: "pick" }, items.map((item) => {
        const id = `d${n}-${key}-${item.id}`;
        const check = el("input", { type: "checkbox", id, checked: dep[key].includes(item.id), dataset: { item: item.id } });
        check.addEventListener("change", () => {
          dep[key] = check.checked ? [...dep[key], item.id] : dep[key].filter((x) => x !== item.id);
          changed();
        });
        return el("li", {}, check, el("label", { for: id }, item.title, " ",
          el("span", { class: "muted" }, item.kind, item.code ? ` ${item.code}` : ""),
          item.selectable ? null : el("span", { class: "badge warning" }, t("not-selectable"))));
      }));
      const heading = limit === null ? t(`dep-${key}-plain`) : t(`dep-${key}`, { limit });
      return el("div", { class: "field" }, el("h3", {}, heading), count, listBox);
    };
    box.append(picker("courses", "course", limits.courses), picker("performances", "performance", limits.performances));
    const wants = el("ul", { class: "wants" }, schema.codes.map((c) => {
      const id = `d${n}-want-${c.code}`;
      const check = el("input", { type: "checkbox", id, checked: dep.wants.includes(c.code), dataset: { code: c.code } });
      check.addEventListener("change", () => {
        dep.wants = check.checked ? [...dep.wants, c.code] : dep.wants.filter((x) => x !== c.code);
        changed();
      });
      return el("li", { dataset: { want: c.code } }, check, el("label", { for: id }, `${c.code} ${c.name}`));
    }));
    box.append(el("div", { class: "field" }, el("h3", {}, t("dep-wants")), el("p", { class: "hint" }, t("hint-dep-wants")), wants),
      el("p", { class: "coverage", dataset: { coverage: "" } }),
      el("p", { class: "estimate", dataset: { estimate: "" } }));
    const area = (key, label, value, onInput, counterLimit, hint) => {
      const id = `d${n}-${key}`;
      const input = el("textarea", { id, rows: 6, value });
      const counter = counterLimit ? el("p", { class: "counter", dataset: { counter: key } }) : null;
      const count = () => {
        if (!counter) return;
        const c = countProse(input.value);
        counter.textContent = t("counter", { n: c, limit: counterLimit });
        counter.classList.toggle("over", c > counterLimit);
        counter.dataset.count = String(c);
      };
      input.addEventListener("input", () => { onInput(input.value); count(); changed(); });
      count();
      return el("div", { class: "field" }, el("label", { for: id }, label), input, counter,
        hint ? el("p", { class: "hint" }, hint) : null);
    };
    if (dep.parts) {
      for (const part of schema.parts) {
        box.append(area(`part-${part.key}`, `${part.code} ${part.name}`, dep.parts[part.key] || "", (v) => { dep.parts[part.key] = v; }));
      }
    } else {
      box.append(area("statement", t("dep-statement"), dep.statement || "", (v) => { dep.statement = v; }));
    }
    box.append(area("reflection", `${schema.reflection_code} ${t("dep-reflection")}`, dep.reflection || "", (v) => { dep.reflection = v; }, limits.reflection));
    if (schema.other_code) {
      box.append(area("other", `${schema.other_code} ${t("dep-other")}`, dep.other || "", (v) => { dep.other = v; }, null, t("hint-dep-other")));
    }
    box.append(
      el("div", { class: "findings", dataset: { place: `dep-${n}` } }),
      el("button", { type: "button", class: "link", onclick: () => {
        deps.splice(deps.indexOf(dep), 1);
        draw();
        changed();
      } }, t("department-remove")));
    return box;
  }

  function draw() {
    list.replaceChildren(...deps.map((d, n) => card(d, n)));
    drawCounts();
    drawStates();
  }

  function drawCounts() {
    deps.forEach((dep, n) => {
      const box = list.querySelector(`[data-index="${n}"]`);
      if (!box) return;
      for (const [key, limit] of [["courses", limits.courses], ["performances", limits.performances]]) {
        const count = box.querySelector(`[data-count="${key}"]`);
        count.textContent = limit === null ? t("selected-plain", { n: dep[key].length })
          : t("selected", { n: dep[key].length, limit });
        count.classList.toggle("over", limit !== null && dep[key].length > limit);
        count.dataset.n = String(dep[key].length);
      }
    });
  }

  function drawStates() {
    const found = [];
    (state.data.states || []).forEach((s, n) => {
      const box = list.querySelector(`[data-index="${n}"]`);
      if (!box) return;
      box.querySelector("[data-coverage]").replaceChildren(t("coverage"), " ",
        ...s.wants.map((w) => badge(w.ok ? "ok" : "error", `${w.ok ? "✓" : "✗"} ${w.code}`)),
        s.wants.length ? "" : t("coverage-none"));
      box.querySelector("[data-estimate]").textContent = s.pages === null ? ""
        : t("estimate", { pages: s.pages, minutes: s.minutes });
      for (const f of s.findings) found.push({ ...f, place: `dep-${n}` });
    });
    showFindings(app, [...found, ...state.data.findings]);
  }

  async function draft() {
    const got = await api("/api/departments/draft", { s: slug, departments: deps });
    if (got.ok) { state.data.states = got.data.states; drawStates(); }
  }

  async function save() {
    clearTimeout(state.timer);
    say(t("saving"));
    const got = await api("/api/departments/save", { s: slug, base: state.data.hash, departments: deps });
    if (!got.ok) {
      if (got.status === 409 && got.data.error === "edit-conflict") {
        const box = app.querySelector('.findings[data-place="general"]');
        box.replaceChildren(el("div", { class: "finding error conflict", role: "alert" },
          el("p", {}, got.data.message), el("button", { type: "button", class: "primary", id: "reload", onclick: () => route() }, t("reload"))));
        return;
      }
      return say(got.data.message || t("failed"), "error");
    }
    say(t("saved"), "saved");
    renderDepartments(slug, got.data);
  }

  const add = el("button", { type: "button", class: "secondary", id: "add-department", onclick: () => {
    deps.push({ index: null, code: "", name: "", courses: [], performances: [], wants: [],
      parts: { reflection: "", motivation: "", plan: "" }, statement: "", reflection: "", other: "" });
    draw();
    changed();
  } }, t("department-add"));
  const form = el("form", { class: "dep-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); save(); } },
    list, add, el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", id: "save" }, t("save"))));
  app.replaceChildren(...head, form);
  draw();
}

/* ------------------------------------------------------------------ student.yaml */

async function profileView(slug) {
  loading();
  const got = await fetchFor(`/api/profile?s=${encodeURIComponent(slug)}`);
  if (!got) return;
  if (!got.ok) return failed(got.data);
  renderProfile(slug, got.data);
}

function renderProfile(slug, data) {
  const head = [el("h1", {}, t("profile-title")), studentNav(slug, data.student_name, "profile"),
    el("div", { class: "findings", dataset: { place: "general" } })];
  if (!data.editable) {
    app.replaceChildren(...head, el("p", { class: "hint" }, t("not-editable-hint")));
    showFindings(app, [data.problem]);
    return;
  }
  const form = el("form", { class: "item-form", novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const values = {};
    for (const f of data.fields) values[f.key] = readField(form, f);
    say(t("saving"));
    const got = await api("/api/profile/save", { s: slug, base: data.hash, values });
    if (!got.ok) return say(got.data.message || t("failed"), "error");
    say(t("saved"), "saved");
    renderProfile(slug, got.data);
  } });
  for (const f of data.fields) {
    form.append(el("div", { class: "field", dataset: { field: f.key } },
      el("label", { for: `f-${f.key}` }, f.label), ...inputFor(f, () => say(t("unsaved"), "unsaved")),
      f.hint ? el("p", { class: "hint" }, f.hint) : null,
      el("div", { class: "findings", dataset: { place: f.key } })));
  }
  form.append(el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", id: "save" }, t("save"))));
  app.replaceChildren(...head, form);
  showFindings(app, data.findings);
}

/* ------------------------------------------------------------------ start */

window.portfolioEdit = { countChars, countProse };  // for the tests: the same counting
window.addEventListener("hashchange", route);
route();
