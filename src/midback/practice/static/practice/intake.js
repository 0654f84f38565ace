// The intake's work step: fill in the time zone from the browser unless the person chose one.
const input = document.querySelector("[data-timezone]");
if (input && !input.hasAttribute("data-chosen")) {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) input.value = zone;
  } catch {
    // keep the server's default
  }
}
