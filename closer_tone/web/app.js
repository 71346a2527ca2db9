// closer-tone's page: analyse the box as the user types and show the verdict, cues, rewrites and checklist.
// Everything the user wrote is put on the page with textContent, never parsed as HTML.
"use strict";

(() => {
  const DEBOUNCE_MS = 300;
  const SEVERITY = { assertive: 0, passive: 1, aggressive: 2 };
  const MOVES = { thanks: "Thank the interviewer", fit: "Recap your fit", next_step: "Ask about the next step" };

  const $ = (id) => document.getElementById(id);
  const box = $("text");
  const verdictText = $("verdict-text");
  const meter = $("meter");
  const meterFill = $("meter-fill");
  const details = $("details");

  let timer = 0;
  let inFlight = null; // the AbortController of the request being waited for
  let shown = null; // the analysis on the page; its offsets refer to shown.text
  let ids = 0; // for the ids that tie a button or a cue to its description

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The server counts characters as Python does (code points); JavaScript strings index UTF-16 units.
  function unitOffsets(text) {
    const offsets = [0];
    let unit = 0;
    for (const ch of text) {
      unit += ch.length;
      offsets.push(unit);
    }
    return offsets;
  }

  let lastVerdict = "";
  function setVerdict(parts, tone, confidence) {
    const line = el("p");
    line.append(...parts);
    if (line.textContent === lastVerdict) return; // an unchanged verdict is not announced again
    lastVerdict = line.textContent;
    verdictText.replaceChildren(...line.childNodes);
    meter.hidden = confidence === undefined;
    if (confidence !== undefined) {
      const percent = Math.round(confidence * 100);
      meterFill.className = `meter-fill tone-${tone}`;
      meterFill.style.width = `${percent}%`;
      meter.setAttribute("aria-valuenow", String(percent));
      meter.setAttribute("aria-valuetext", `${percent}% sure it reads ${tone}`);
    }
  }

  function setMessage(text, isProblem) {
    setVerdict([el("span", isProblem ? "problem" : "", text)]);
  }

  function setStale(stale) {
    details.classList.toggle("stale", stale);
    for (const button of details.querySelectorAll("button.use")) button.disabled = stale;
  }

  function schedule(delay) {
    clearTimeout(timer);
    setStale(true);
    timer = setTimeout(analyse, delay);
  }

  async function analyse() {
    const text = box.value;
    if (inFlight) inFlight.abort();
    inFlight = null;
    if (!text.trim()) {
      shown = null;
      details.hidden = true;
      setMessage("Type or paste a closing line to see its tone.");
      return;
    }
    const controller = new AbortController();
    inFlight = controller;
    let response;
    let body = null;
    try {
      response = await fetch("v1/analyze", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text }),
        signal: controller.signal,
      });
      body = await response.json().catch(() => null);
    } catch (error) {
      if (controller.signal.aborted) return;
      setMessage("The closer-tone server did not answer; is `closer-tone serve` still running?", true);
      return;
    }
    if (controller.signal.aborted || box.value !== text) return; // the user typed on; a newer request follows
    inFlight = null;
    if (!response.ok) {
      const detail = body && typeof body.detail === "string" ? body.detail : `the server answered ${response.status}`;
      details.hidden = true;
      setMessage(`Could not check this text: ${detail}.`, true);
      return;
    }
    render(body);
  }

  function render(analysis) {
    shown = analysis;
    if (analysis.label === null) {
      details.hidden = true;
      setMessage(`Not judged: ${analysis.reason}.`);
      return;
    }
    const confidence = analysis.scores[analysis.label];
    const label = el("span", `label label-${analysis.label}`, analysis.label);
    label.id = "verdict-label";
    setVerdict(["Reads ", label, ` (${Math.round(confidence * 100)}% sure).`], analysis.label, confidence);
    renderStatementRewrites(analysis);
    renderSentences(analysis);
    renderChecklist(analysis);
    details.hidden = false;
    setStale(false);
  }

  function rewriteItem(rewrite, apply) {
    const item = el("li");
    const bodyNode = el("div", "rewrite-body");
    const textNode = el("p", "rewrite-text", rewrite.text);
    textNode.id = `rewrite-${++ids}`;
    bodyNode.append(textNode);
    if (rewrite.changes.length) bodyNode.append(el("p", "rewrite-changes", rewrite.changes.join("; ")));
    const button = el("button", "use", "Use this");
    button.type = "button";
    button.setAttribute("aria-describedby", textNode.id);
    button.addEventListener("click", apply);
    item.append(bodyNode, button);
    return item;
  }

  function renderStatementRewrites(analysis) {
    const list = $("statement-rewrite-list");
    const note = $("statement-rewrite-note");
    list.replaceChildren();
    for (const rewrite of analysis.rewrites) {
      list.append(rewriteItem(rewrite, () => replaceText(0, null, rewrite.text)));
    }
    const flagged = analysis.label !== "assertive";
    note.hidden = analysis.rewrites.length > 0;
    note.textContent = flagged ? analysis.rewrite_note || "" : "It already reads assertive: keep it.";
  }

  function renderSentences(analysis) {
    const offsets = unitOffsets(analysis.text);
    const list = $("sentences");
    list.replaceChildren();
    for (const sentence of analysis.sentences) {
      const item = el("li", "sentence");
      const head = el("p", "sentence-head");
      head.append(el("span", `label label-${sentence.label}`, sentence.label));
      head.append(` ${Math.round(sentence.scores[sentence.label] * 100)}% sure`);
      const note = el("div", "cue-note");
      note.hidden = true;
      item.append(head, sentenceText(analysis.text, offsets, sentence, note), note);
      if (sentence.rewrites.length) {
        const rewrites = el("ul", "rewrites");
        for (const rewrite of sentence.rewrites) {
          rewrites.append(rewriteItem(rewrite, () => replaceText(sentence.start, sentence.end, rewrite.text)));
        }
        item.append(rewrites);
      } else if (sentence.rewrite_note) {
        item.append(el("p", "note", sentence.rewrite_note));
      }
      list.append(item);
    }
  }

  // Overlapping cues ("I'll just wait" and "just wait") become one highlight that explains them all.
  function cueGroups(cues) {
    const groups = [];
    for (const cue of [...cues].sort((a, b) => a.start - b.start || b.end - a.end)) {
      const last = groups[groups.length - 1];
      if (last && cue.start < last.end) {
        last.end = Math.max(last.end, cue.end);
        last.cues.push(cue);
      } else {
        groups.push({ start: cue.start, end: cue.end, cues: [cue] });
      }
    }
    return groups;
  }

  function sentenceText(text, offsets, sentence, note) {
    const paragraph = el("p", "sentence-text");
    const slice = (start, end) => text.slice(offsets[start], offsets[end]);
    let cursor = sentence.start;
    for (const group of cueGroups(sentence.cues)) {
      if (group.start > cursor) paragraph.append(slice(cursor, group.start));
      const tone = group.cues.reduce((a, c) => (SEVERITY[c.tone] > SEVERITY[a] ? c.tone : a), "assertive");
      const explained = group.cues.map((c) => `“${c.text}”: ${c.message}`);
      const mark = el("mark", `cue tone-${tone}`, slice(Math.max(group.start, cursor), group.end));
      mark.tabIndex = 0;
      mark.title = explained.join("\n");
      mark.dataset.rules = group.cues.map((c) => c.rule).join(" ");
      const description = el("span", "visually-hidden", ` (${tone} cue) ${explained.join(" ")}`);
      description.id = `cue-${++ids}`;
      mark.setAttribute("aria-describedby", description.id);
      // The note stays until another cue is shown: hiding it on blur would move the buttons under the pointer.
      mark.addEventListener("focus", () => explain(note, explained));
      mark.addEventListener("mouseenter", () => explain(note, explained));
      paragraph.append(mark, description);
      cursor = Math.max(cursor, group.end);
    }
    if (cursor < sentence.end) paragraph.append(slice(cursor, sentence.end));
    return paragraph;
  }

  function explain(note, lines) {
    note.replaceChildren(...lines.map((line) => el("p", "", line)));
    note.hidden = false;
  }

  function renderChecklist(analysis) {
    const list = $("checklist");
    list.replaceChildren();
    for (const entry of analysis.checklist) {
      const item = el("li", entry.present ? "present" : "missing");
      item.append(el("span", "mark", entry.present ? "✓ present" : "✗ missing"));
      item.append(el("strong", "", MOVES[entry.item] || entry.item));
      const detail = el("p", "note");
      if (entry.present) {
        detail.append("You do it here: ", el("q", "", entry.sentence));
      } else {
        detail.append("Add something like: ", el("q", "", entry.suggestion));
      }
      item.append(detail);
      list.append(item);
    }
  }

  // A sentence rewrite replaces that sentence's characters; the statement rewrite (end === null) replaces all.
  function replaceText(start, end, replacement) {
    if (!shown || box.value !== shown.text) return; // the box changed since this analysis; wait for the new one
    const offsets = unitOffsets(shown.text);
    const from = offsets[start];
    const to = end === null ? shown.text.length : offsets[end];
    box.value = shown.text.slice(0, from) + replacement + shown.text.slice(to);
    box.focus();
    box.setSelectionRange(from + replacement.length, from + replacement.length);
    schedule(0);
  }

  async function describeServer() {
    try {
      const response = await fetch("v1/health");
      const health = await response.json();
      const trained = health.model.training_sentences;
      const model = trained ? `, its model trained on ${trained.toLocaleString("en")} sentences` : "";
      $("about").textContent = `closer-tone ${health.version}${model}, runs on this computer.`;
    } catch (error) {
      // the footer keeps its default wording
    }
  }

  box.addEventListener("input", () => schedule(DEBOUNCE_MS));
  describeServer();
  if (box.value.trim()) schedule(0); // a reload keeps the box's text
})();
