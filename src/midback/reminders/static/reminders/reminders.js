// Reminder settings page: turn web push on or off for this device, and copy the calendar link.
// Works as an enhancement: without it, email and the calendar link still work.

const API = "/api/v1/me/push/subscriptions";

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function send(method, body) {
  const response = await fetch(API, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok && response.status !== 404) throw new Error(`${method} ${response.status}`);
  return response;
}

// Subscriptions live on push-sw.js's own registration (scope /static/reminders/), so pushes
// are shown whether or not the app's service worker (scope /) imports the handler too.
async function registration(swUrl) {
  const reg = await navigator.serviceWorker.register(swUrl);
  const worker = reg.installing || reg.waiting;
  if (worker && !reg.active) {
    await new Promise((resolve) => {
      worker.addEventListener("statechange", () => worker.state === "activated" && resolve());
    });
  }
  return reg;
}

export async function setUpPush(root) {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  const status = root.querySelector("[data-push-status]");
  const on = root.querySelector("[data-push-on]");
  const off = root.querySelector("[data-push-off]");
  const show = (subscribed, message) => {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    if (message) {
      status.textContent = message;
      status.classList.toggle("off", !subscribed);
    }
  };
  root.hidden = false;
  let reg;
  try {
    reg = await registration(root.dataset.sw);
    show(Boolean(await reg.pushManager.getSubscription()));
  } catch {
    status.textContent = "Notifications are not available in this browser.";
    on.hidden = true;
    return;
  }
  on.addEventListener("click", async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        show(false, "Notifications are blocked for this site. Allow them in the browser's site settings.");
        return;
      }
      const subscription = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(root.dataset.key),
      });
      await send("POST", subscription.toJSON());
      show(true, "Notifications are on for this device.");
    } catch (error) {
      show(false, "Could not turn on notifications. Please try again.");
      console.error(error);
    } finally {
      on.disabled = false;
    }
  });
  off.addEventListener("click", async () => {
    off.disabled = true;
    try {
      const subscription = await reg.pushManager.getSubscription();
      if (subscription) {
        await send("DELETE", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false, "Notifications are off for this device.");
    } catch (error) {
      status.textContent = "Could not turn off notifications. Please try again.";
      console.error(error);
    } finally {
      off.disabled = false;
    }
  });
}

export function setUpCopy(button) {
  const field = document.querySelector(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copied";
  });
}

const pushRoot = document.querySelector("[data-push]");
if (pushRoot) setUpPush(pushRoot);
document.querySelectorAll("[data-copy]").forEach(setUpCopy);
