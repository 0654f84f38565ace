// Every patient page: register the service worker, send any waiting logs, and warm the offline
// cache with today's sessions so the player works in flight mode.
import { keepSyncing } from "./queue.js";

const status = document.querySelector("[data-sync-status]");

function show(result) {
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

export const syncNow = keepSyncing(show);
syncNow();

async function warm() {
  const urls = [...document.querySelectorAll("[data-offline-url]")].map((a) => a.href);
  try {
    const response = await fetch("/api/v1/me/program", { credentials: "same-origin" });
    if (response.ok) {
      const program = await response.json();
      for (const item of program.items) urls.push(item.illustration);
    }
  } catch {
    return; // offline already: nothing to warm
  }
  const cache = await caches.open("midback-pages");
  for (const url of new Set(urls)) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) await cache.put(url, response);
    } catch {
      // one miss is fine; the page caches itself when opened
    }
  }
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(() => {
    if (document.querySelector("[data-offline-url]")) navigator.serviceWorker.ready.then(warm);
  }).catch((error) => console.warn("MidBack: no offline support", error));
}
