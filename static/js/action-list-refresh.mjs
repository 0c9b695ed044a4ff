// The duty action list keeps itself up to date without taking anyone's place on it.
//
// Every `data-refresh-seconds` (ACTION_LIST_REFRESH_SECONDS) the rows are fetched again
// from the address they were drawn from (`data-refresh-url`: the same filters and
// page), marked as a background refresh so it does not count as activity for the
// idle sign-out. The answer is never swapped in wholesale; it is merged in:
//
// - Rows are matched by referral (`data-referral`). A row already shown is kept (the
//   same element), and within it only a cell whose markup changed is replaced. New rows
//   are inserted and gone rows removed; rows already in order are never moved.
// - So keyboard focus on a row's link is untouched unless that very cell changed. If
//   the focused element did go, focus moves, without scrolling, to the element with the
//   same `data-focus-key` (the same link of the same referral); if the referral left
//   the list, to the first link of the row now in its place, or else to the count
//   above the table. Never to the top of the page.
// - The page does not scroll under the person: the focused element (or else the first
//   row in view) stays where it was on the screen. Rows added below it leave the
//   scroll position exactly as it was; rows added above it scroll the page by their
//   height, so what was in view stays in view. Without such an anchor the scroll
//   position is put back as it was.
// - A refresh is put off while focus is on a form control inside the rows (typing
//   must not be lost) and while the filters' own request is on its way. The filters
//   replace the rows themselves (htmx); this code only reads the page as it finds it.
// - Each row carries `data-version`, a fingerprint of what it says that changes only
//   when the referral does; comparing them gives "1 new referral, 2 changed", which
//   the polite status region (outside the rows) says. Nothing is said if nothing
//   changed.
//
// "Pause automatic updates" stops the timer (no requests at all) until "Resume
// automatic updates"; the choice lasts for the browser tab's session. Without
// JavaScript the button stays hidden and the list is as the server drew it.

const CONTROLS_ID = "action-list-refresh";
const TOGGLE_ID = "action-list-pause";
const STATUS_ID = "action-list-status";
const REGION_ID = "action-rows";
const PAUSED_KEY = "placements.actionList.paused";
const DEFAULT_SECONDS = 30;

let timer = null;
let pausedHere = false; // when sessionStorage cannot be used

function isPaused() {
  try {
    return window.sessionStorage.getItem(PAUSED_KEY) === "1";
  } catch {
    return pausedHere;
  }
}

function setPaused(paused) {
  pausedHere = paused;
  try {
    if (paused) {
      window.sessionStorage.setItem(PAUSED_KEY, "1");
    } else {
      window.sessionStorage.removeItem(PAUSED_KEY);
    }
  } catch {
    // Private modes may refuse storage: the choice then lasts for this page.
  }
}

function controls() {
  return document.getElementById(CONTROLS_ID);
}

function intervalMs() {
  const seconds = Number(controls()?.dataset.refreshSeconds);
  return (seconds > 0 ? seconds : DEFAULT_SECONDS) * 1000;
}

function drawControls() {
  const box = controls();
  const button = document.getElementById(TOGGLE_ID);
  if (!box || !button) return;
  button.textContent = isPaused() ? "Resume automatic updates" : "Pause automatic updates";
  box.hidden = false;
}

function announce(text) {
  const status = document.getElementById(STATUS_ID);
  if (!status || !text) return;
  // Emptied first, so the same words said twice are still read out.
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = text;
  }, 100);
}

function describe({ added, changed, removed }) {
  const parts = [];
  if (added) parts.push(`${added} new referral${added === 1 ? "" : "s"}`);
  if (changed) parts.push(`${changed} changed`);
  if (removed) parts.push(`${removed} no longer listed`);
  return parts.length ? `Action list updated: ${parts.join(", ")}.` : "";
}

function schedule() {
  window.clearTimeout(timer);
  timer = null;
  if (controls() && !isPaused()) {
    timer = window.setTimeout(tick, intervalMs());
  }
}

function mustWait(region) {
  if (document.hidden) return true; // nobody is looking: try again next time
  if (document.querySelector(".htmx-request")) return true; // the filters are loading
  const focused = document.activeElement;
  return Boolean(
    focused &&
      region.contains(focused) &&
      focused.matches("input, select, textarea, [contenteditable]:not([contenteditable='false'])"),
  );
}

async function tick() {
  timer = null;
  if (!controls() || isPaused()) return;
  const region = document.getElementById(REGION_ID);
  if (!region) return;
  try {
    if (!mustWait(region)) {
      announce(describe(await refresh(region)));
    }
  } finally {
    // A body cut off mid-read, or anything else thrown, must not stop the refreshing.
    schedule();
  }
}

const NO_CHANGES = { added: 0, changed: 0, removed: 0 };

async function refresh(region) {
  const url = region.dataset.refreshUrl;
  if (!url) return NO_CHANGES;
  let response;
  try {
    response = await window.fetch(url, {
      headers: { "HX-Request": "true", "X-Background-Refresh": "1" },
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    return NO_CHANGES; // offline for a moment: the next refresh tries again
  }
  const redirect = response.headers.get("HX-Redirect");
  if (redirect) {
    // Signed out while away: the whole page goes to say so.
    window.location.assign(redirect);
    return NO_CHANGES;
  }
  if (!response.ok) return NO_CHANGES;
  const html = await response.text();
  // Paused, filtered or left while the request was out: the answer is stale.
  const current = document.getElementById(REGION_ID);
  if (isPaused() || current !== region || region.dataset.refreshUrl !== url) return NO_CHANGES;
  const template = document.createElement("template");
  template.innerHTML = html;
  const fresh = template.content.getElementById(REGION_ID);
  if (!fresh) return NO_CHANGES;
  return merge(region, fresh);
}

function focusKey(element) {
  if (element.dataset.focusKey) return `[data-focus-key="${CSS.escape(element.dataset.focusKey)}"]`;
  if (element.id) return `#${CSS.escape(element.id)}`;
  const href = element.getAttribute("href");
  return href ? `a[href="${CSS.escape(href)}"]` : null;
}

function firstRowInView(region) {
  return Array.from(region.querySelectorAll("tr[data-referral]")).find((row) => {
    const { top, bottom } = row.getBoundingClientRect();
    return bottom > 0 && top < window.innerHeight;
  });
}

function merge(region, fresh) {
  const focused = region.contains(document.activeElement) ? document.activeElement : null;
  const key = focused && focusKey(focused);
  const focusedRow = focused?.closest("tr");
  const oldBody = region.querySelector("tbody");
  const rowIndex = focusedRow && oldBody ? Array.from(oldBody.rows).indexOf(focusedRow) : -1;
  // What the person is looking at stays where it is on the screen: the focused element,
  // or else the first row in view.
  const anchor = focused || firstRowInView(region);
  const anchorTop = anchor?.getBoundingClientRect().top;
  const { scrollX, scrollY } = window;

  const newBody = fresh.querySelector("tbody");
  const changes = oldBody && newBody ? mergeRows(oldBody, newBody) : NO_CHANGES;
  for (const part of fresh.querySelectorAll("[data-refresh-part]")) {
    const old = region.querySelector(
      `[data-refresh-part="${CSS.escape(part.dataset.refreshPart)}"]`,
    );
    if (old && old.outerHTML !== part.outerHTML) old.replaceWith(part);
  }
  if (window.htmx) window.htmx.process(region);

  let anchorNow = anchor?.isConnected ? anchor : null;
  if (focused && document.activeElement !== focused) {
    const equivalent = (focused.isConnected && focused) || (key && region.querySelector(key));
    const target = equivalent || nearestRowLink(oldBody, rowIndex) || countHeading(region);
    target?.focus({ preventScroll: true });
    anchorNow = equivalent || null;
  }
  if (anchorNow) {
    // Rows added or removed above it would otherwise push it up or down the screen.
    const moved = anchorNow.getBoundingClientRect().top - anchorTop;
    if (Math.abs(moved) >= 1) window.scrollBy({ left: 0, top: moved, behavior: "instant" });
  } else if (window.scrollX !== scrollX || window.scrollY !== scrollY) {
    window.scrollTo({ left: scrollX, top: scrollY, behavior: "instant" });
  }
  return changes;
}

function rowKey(row) {
  return row.dataset.referral ? `referral-${row.dataset.referral}` : "other";
}

function mergeRows(oldBody, newBody) {
  const shown = new Map(Array.from(oldBody.rows, (row) => [rowKey(row), row]));
  const wanted = [];
  let added = 0;
  let changed = 0;
  for (const row of Array.from(newBody.rows)) {
    const old = shown.get(rowKey(row));
    if (!old) {
      if (row.dataset.referral) added += 1;
      wanted.push(row);
      continue;
    }
    shown.delete(rowKey(row));
    if (old.dataset.version !== row.dataset.version) changed += 1;
    mergeCells(old, row);
    wanted.push(old);
  }
  // In order, moving as few rows as possible: a row already in place is not touched.
  wanted.forEach((row, index) => {
    const here = oldBody.rows[index] ?? null;
    if (here !== row) oldBody.insertBefore(row, here);
  });
  let removed = 0;
  for (const row of shown.values()) {
    if (row.dataset.referral) removed += 1;
    row.remove();
  }
  return { added, changed, removed };
}

function mergeCells(old, row) {
  for (const name of old.getAttributeNames()) {
    if (!row.hasAttribute(name)) old.removeAttribute(name);
  }
  for (const name of row.getAttributeNames()) {
    if (old.getAttribute(name) !== row.getAttribute(name)) {
      old.setAttribute(name, row.getAttribute(name));
    }
  }
  const before = Array.from(old.cells);
  const after = Array.from(row.cells);
  if (before.length !== after.length) {
    old.replaceChildren(...after);
    return;
  }
  after.forEach((cell, index) => {
    if (before[index].outerHTML !== cell.outerHTML) before[index].replaceWith(cell);
  });
}

function nearestRowLink(body, index) {
  if (!body || index < 0 || !body.rows.length) return null;
  const row = body.rows[Math.min(index, body.rows.length - 1)];
  return row.querySelector("a[href]");
}

function countHeading(region) {
  const count = region.querySelector('[data-refresh-part="summary"] p');
  if (count) count.setAttribute("tabindex", "-1");
  return count;
}

function toggle() {
  const paused = !isPaused();
  setPaused(paused);
  drawControls();
  if (paused) {
    window.clearTimeout(timer);
    timer = null;
    announce("Automatic updates paused.");
    return;
  }
  // Resumed: catch up at once, say so (with what changed meanwhile), then carry on.
  const region = document.getElementById(REGION_ID);
  if (!region || mustWait(region)) {
    announce("Automatic updates resumed.");
    schedule();
    return;
  }
  refresh(region).then((changes) => {
    announce(`Automatic updates resumed. ${describe(changes)}`.trim());
    schedule();
  });
}

export function initActionListRefresh() {
  if (!controls()) return;
  drawControls();
  schedule();
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest(`#${TOGGLE_ID}`)) toggle();
  });
  // Going back through the filters' history puts an old copy of the page in place.
  document.addEventListener("htmx:historyRestore", () => {
    drawControls();
    schedule();
  });
}
