// The outbox: logs wait in IndexedDB until the server acknowledges them, so nothing made offline
// (or while the server is down) is lost. Each log carries its client UUID, so sending it twice is
// harmless: the server stores it once.
const DB_NAME = "midback";
const STORE = "outbox";
let opening = null;

function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function run(mode, fn) {
  return openDb().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  }));
}

export function enqueue(url, body) {
  return run("readwrite", (store) => store.put({ id: body.id, url, body, queuedAt: Date.now() }));
}

export function pending() {
  return run("readonly", (store) => store.count());
}

function all() {
  return run("readonly", (store) => store.getAll());
}

function remove(id) {
  return run("readwrite", (store) => store.delete(id));
}

let flushing = null;

// Send every waiting log once. Resolves to {sent, left, rejected}.
export function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    let sent = 0;
    let rejected = 0;
    for (const item of await all()) {
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          credentials: "same-origin",
          body: JSON.stringify(item.body),
        });
      } catch {
        break; // offline: try again later
      }
      if (response.ok) {
        sent += 1;
        await remove(item.id);
      } else if (response.status === 400 || response.status === 409 || response.status === 422) {
        // The server will never accept this one; keep it from blocking the rest.
        rejected += 1;
        console.warn("MidBack: log refused", item.id, await response.text());
        await remove(item.id);
      } else {
        break; // signed out or server trouble: keep it and try again later
      }
    }
    return { sent, rejected, left: await pending() };
  })().finally(() => { flushing = null; });
  return flushing;
}

let timer = null;

// Keep trying until the outbox is empty: now, whenever the connection returns, and on a backoff.
export function keepSyncing(onChange) {
  let delay = 5000;
  const attempt = async () => {
    clearTimeout(timer);
    let result;
    try {
      result = await flush();
    } catch {
      result = { sent: 0, rejected: 0, left: 1 };
    }
    if (onChange) onChange(result);
    if (result.left > 0) {
      timer = setTimeout(attempt, delay);
      delay = Math.min(delay * 2, 300000);
    } else {
      delay = 5000;
    }
    return result;
  };
  window.addEventListener("online", () => { delay = 5000; attempt(); });
  return attempt;
}
