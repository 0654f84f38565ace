// Every patient page: register the service worker, send any waiting logs, say plainly what is
// waiting or was refused, mark an offline copy as such, and warm the offline cache with
// everything the app needs (Today, Progress, every block of the week and its pictures).
import { all, discard, keepSyncing, refusalText } from "./queue.js";

const body = document.body;
// "Tuesday 1 December", as the server writes dates.
const LOCALE = (document.documentElement.lang || "en") === "en" ? "en-GB" : document.documentElement.lang;
const zone = body.dataset.zone || undefined;
const status = document.querySelector("[data-sync-status]");
const refusedBox = document.querySelector("[data-refused]");

function when(iso, withTime = true) {
  const options = { weekday: "long", day: "numeric", month: "long", timeZone: zone };
  if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit", hour12: false });
  return new Intl.DateTimeFormat(LOCALE, options).format(new Date(iso));
}

function dayName(isoDay) {
  // A YYYY-MM-DD local day: noon UTC names the same calendar day in every zone near it.
  return new Intl.DateTimeFormat(LOCALE, {
    weekday: "long", day: "numeric", month: "long", timeZone: "UTC",
  }).format(new Date(`${isoDay}T12:00:00Z`));
}

function showRefused(refused) {
  if (!refusedBox) return;
  const list = refusedBox.querySelector("ul");
  list.replaceChildren();
  for (const item of refused) {
    const li = document.createElement("li");
    const what = item.body.block_time ? `the break at ${item.body.block_time}` : "the whole routine";
    const text = document.createElement("p");
    text.textContent = `Your session for ${dayName(item.body.block_day)} (${what}) was not saved: `
      + `${refusalText(item)}. It is kept on this device. Nothing else was lost.`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Remove it from this device";
    button.addEventListener("click", async () => {
      await discard(item.id);
      refresh();
    });
    li.append(text, button);
    list.append(li);
  }
  refusedBox.hidden = refused.length === 0;
}

// Today, offline: a block done on this device but not yet sent is done all the same.
function markDone(items) {
  for (const item of items) {
    const key = `${item.body.block_day} ${item.body.block_time || "full"}`;
    const block = document.querySelector(`[data-block="${key}"]`);
    if (!block || block.classList.contains("status-done")) continue;
    const badge = block.querySelector(".badge");
    const done = item.body.completed;
    block.className = `block status-${done ? "done" : "partial"}`;
    badge.className = `badge badge-${done ? "done" : "partial"}`;
    badge.textContent = done ? "Done (on this device)" : "Partly done (on this device)";
  }
}

function show(result) {
  const waiting = result.waiting || [];
  markDone(waiting);
  showRefused(result.refused || []);
  if (!status) return;
  if (result.left > 0) {
    status.hidden = false;
    status.textContent = result.left === 1
      ? "1 session saved on this device; it will be sent when you are back online."
      : `${result.left} sessions saved on this device; they will be sent when you are back online.`;
  } else {
    status.hidden = true;
    status.textContent = "";
  }
}

async function refresh() {
  const items = await all();
  show({
    left: items.filter((i) => !i.refused).length,
    waiting: items.filter((i) => !i.refused),
    refused: items.filter((i) => i.refused),
  });
}

export const syncNow = keepSyncing(show);
refresh().finally(syncNow);

// The worker marks a page it served from its cache; say so, and from when the copy is.
const copy = document.querySelector("[data-offline-copy]");
if (copy && body.dataset.served === "cache") {
  copy.textContent = `You are offline. This is the copy saved on this device on ${when(body.dataset.renderedAt)}.`;
  copy.hidden = false;
}

const WARMED = "midback-warmed";

async function warm() {
  const urls = [location.pathname];
  let key = "";
  try {
    const response = await fetch("/app/offline.json", { credentials: "same-origin" });
    if (!response.ok) return;
    const offline = await response.json();
    key = offline.key;
    urls.push(...offline.urls);
  } catch {
    return; // offline already: nothing to warm
  }
  const cache = await caches.open("midback-pages");
  // Once a day and per program version is enough (each page caches itself when opened).
  if (localStorage.getItem(WARMED) === key && (await cache.match("/app/"))) return;
  for (const url of new Set(urls)) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch {
      // one miss is fine; the page caches itself when opened
    }
  }
  localStorage.setItem(WARMED, key);
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(() => {
    if (body.dataset.served !== "cache") navigator.serviceWorker.ready.then(warm);
  }).catch((error) => console.warn("MidBack: no offline support", error));
}
