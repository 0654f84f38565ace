// Show the rotation check only where the phone's motion sensor can be read: a real reading
// arrives, or the browser asks for permission first (iOS, where no reading comes before it).
const link = document.querySelector("[data-rotation-link]");
const Event = window.DeviceOrientationEvent;
if (link && Event) {
  if (typeof Event.requestPermission === "function" && /iPhone|iPad/.test(navigator.userAgent)) {
    link.hidden = false;
  } else {
    const seen = (event) => {
      if (event.alpha === null && event.beta === null) return;
      link.hidden = false;
      window.removeEventListener("deviceorientation", seen);
    };
    window.addEventListener("deviceorientation", seen);
  }
}
