// MidBack's service worker. CONFIG (version and files to precache) is prepended by the server.
// Static files: cache first (the version changes whenever one of them does). Pages, the patient
// API and illustrations: network first, falling back to the last copy, so the player works in
// flight mode after one visit. Writes (POST) are never touched: the page's outbox retries them.
// A page served from the cache is marked (data-served="cache") so it can say it is an offline copy.
// Reminder notifications (show, tap to open the player, snooze, skip) live with the reminders.
importScripts(CONFIG.push);

const STATIC = `midback-static-${CONFIG.version}`;
const PAGES = "midback-pages";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(CONFIG.precache)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("midback-static-") && name !== STATIC) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function cacheFirst(request) {
  const hit = await caches.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      (await caches.open(PAGES)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return request.mode === "navigate" ? markCopy(hit) : hit;
    if (request.mode === "navigate") {
      const today = await caches.match("/app/", { ignoreVary: true });
      if (today) return markCopy(today);
    }
    throw error;
  }
}

// The cached page, told that it is a copy (the page then says so, and from when).
async function markCopy(response) {
  const text = (await response.text()).replace('data-served="network"', 'data-served="cache"');
  // The text is decoded now, and its length changed: those headers no longer apply.
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (path.startsWith("/static/") || path === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  } else if (
    path.startsWith("/app/") ||
    path.startsWith("/api/v1/me/") ||
    path.startsWith("/exercises/")
  ) {
    event.respondWith(networkFirst(request));
  }
});

// Signing out clears what this device kept of the person's program.
self.addEventListener("message", (event) => {
  if (event.data === "sign-out") event.waitUntil(caches.delete(PAGES));
});
