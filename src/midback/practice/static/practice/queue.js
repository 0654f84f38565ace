// The outbox: logs wait in IndexedDB until the server acknowledges them, so nothing made offline
// (or while the server is down) is lost. Each log carries its client UUID, so sending it twice is
// harmless: the server stores it once. A log the server refuses is never dropped: it stays here,
// marked with the server's answer, until the person removes it, and the pages say so.
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

export function all() {
  return run("readonly", (store) => store.getAll());
}

// How many logs are still waiting to be sent (refused ones are not waiting).
export async function pending() {
  return (await all()).filter((item) => !item.refused).length;
}

// "sent" (gone from the outbox: the server has it), "refused" or "waiting".
export async function statusOf(id) {
  const item = await run("readonly", (store) => store.get(id));
  if (!item) return "sent";
  return item.refused ? "refused" : "waiting";
}

export function get(id) {
  return run("readonly", (store) => store.get(id));
}

function remove(id) {
  return run("readwrite", (store) => store.delete(id));
}

// The person chose to remove a refused log from this device.
export function discard(id) {
  return remove(id);
}

function markRefused(item, status, answer) {
  const refused = {
    status,
    code: answer.code || "",
    field: answer.field || "",
    error: answer.error || "",
    at: Date.now(),
  };
  return run("readwrite", (store) => store.put({ ...item, refused }));
}

// What a refusal means, in the person's words, from the server's error code.
const REASONS = {
  in_future: "its day had not come yet when it was sent",
  too_old: "it is more than 60 days old",
  not_scheduled: "that break is no longer in your program for that day",
  not_in_program: "your program has changed and one of its exercises is no longer in it",
  unknown_program: "it belongs to a program that is no longer yours",
  before_start: "its end time is before its start time (check the clock on this device)",
  id_taken: "another record already has its number",
};

export function refusalText(item) {
  const refused = item.refused || {};
  return REASONS[refused.code] || refused.error || "the server could not accept it";
}

let flushing = null;

// Send every waiting log once. Resolves to {sent, left, rejected}; refused logs stay, marked.
export function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    let sent = 0;
    let rejected = 0;
    for (const item of await all()) {
      if (item.refused) continue;
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
        // The server will not accept this one as it is: keep it, marked, so the person is told
        // and decides; it no longer blocks the rest.
        rejected += 1;
        let answer = {};
        try {
          answer = await response.json();
        } catch {
          answer = {};
        }
        await markRefused(item, response.status, answer);
      } else {
        break; // signed out or server trouble: keep it and try again later
      }
    }
    const items = await all();
    return {
      sent,
      rejected,
      left: items.filter((i) => !i.refused).length,
      refused: items.filter((i) => i.refused),
      waiting: items.filter((i) => !i.refused),
    };
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
      result = { sent: 0, rejected: 0, left: 1, refused: [], waiting: [] };
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
