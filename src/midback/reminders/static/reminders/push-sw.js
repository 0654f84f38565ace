// MidBack reminders in the service worker: show a pushed reminder, handle its buttons.
//
// The reminder page registers this file as its own service worker (scope /static/reminders/) and
// subscribes there, so pushes work on their own. The patient app's service worker must also
// load it, so that a subscription made on the app's registration is handled the same way:
//   classic worker:  importScripts("/static/reminders/push-sw.js");
//   module worker:   import "/static/reminders/push-sw.js"  (the hashed name in production)
//
// A push's JSON: {title, body, tag, url, snooze_url, skip_url, renotify}. `tag` is the block id,
// so a repeated push (after a worker crash, or a snooze) replaces the notification, never stacks.

const MIDBACK_ACTIONS = [
  // Platforms that show only two buttons (Notification.maxActions) keep the first two.
  { action: "snooze-15", title: "In 15 min" },
  { action: "skip-today", title: "Skip today" },
  { action: "snooze-30", title: "In 30 min" },
];

self.addEventListener("push", (event) => {
  let data;
  try {
    data = event.data ? event.data.json() : null;
  } catch {
    data = null;
  }
  if (!data || !data.tag) return;
  event.waitUntil(
    self.registration.showNotification(data.title || "MidBack", {
      body: data.body || "",
      tag: data.tag,
      renotify: Boolean(data.renotify),
      icon: "/static/midback/icon.svg",
      badge: "/static/midback/icon.svg",
      actions: MIDBACK_ACTIONS,
      data: { url: data.url || "/app/", snooze: data.snooze_url, skip: data.skip_url },
    }),
  );
});

async function midbackPost(url, body) {
  // Same-origin fetch: the device cookie signs the request in; JSON marks it as not a form post.
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return response.ok;
}

async function midbackOpen(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (client.url === target && "focus" in client) return client.focus();
  }
  return self.clients.openWindow(target);
}

// Exposed so that tests (and the app's own worker) can run an action without a real click.
self.midbackReminderAction = async (action, data) => {
  if (action === "snooze-15" || action === "snooze-30") {
    return midbackPost(data.snooze, { minutes: action === "snooze-15" ? 15 : 30 });
  }
  if (action === "skip-today") return midbackPost(data.skip, {});
  return midbackOpen(data.url || "/app/");
};

self.addEventListener("notificationclick", (event) => {
  const data = event.notification.data || {};
  event.notification.close();
  event.waitUntil(self.midbackReminderAction(event.action, data));
});

self.addEventListener("pushsubscriptionchange", (event) => {
  // The push service replaced the subscription: tell the server about the new one.
  const renew = async () => {
    const old = event.oldSubscription;
    const fresh =
      event.newSubscription ||
      (old && (await self.registration.pushManager.subscribe(old.options)));
    if (!fresh) return;
    await fetch("/api/v1/me/push/subscriptions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fresh.toJSON()),
    });
  };
  event.waitUntil(renew());
});
