// The pose model, off the page's thread: TensorFlow.js on its WebAssembly backend running
// BlazePose, all loaded from MidBack's own static files (the URLs come in the first message).
// Frames arrive as ImageBitmaps and are closed once read; nothing is kept or sent anywhere.
/* global tf, poseDetection */
let detector = null;

async function init(urls, model) {
  importScripts(urls.core, urls.converter, urls.backend, urls.poseDetection);
  tf.wasm.setWasmPaths(urls.wasm);
  await tf.setBackend("wasm");
  await tf.ready();
  detector = await poseDetection.createDetector(poseDetection.SupportedModels.BlazePose, {
    runtime: "tfjs",
    modelType: model,
    enableSmoothing: false,
    detectorModelUrl: urls.detector,
    landmarkModelUrl: urls[model],
  });
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    const began = performance.now();
    try {
      await init(message.urls, message.model || "lite");
      self.postMessage({ type: "ready", backend: tf.getBackend(), ms: performance.now() - began });
    } catch (error) {
      self.postMessage({ type: "error", message: String(error && error.message || error) });
    }
    return;
  }
  if (message.type === "frame") {
    const { bitmap, t } = message;
    const began = performance.now();
    let poses = [];
    try {
      poses = await detector.estimatePoses(bitmap, { flipHorizontal: false });
    } catch (error) {
      self.postMessage({ type: "error", message: String(error && error.message || error) });
    }
    const width = bitmap.width;
    const height = bitmap.height;
    bitmap.close();
    const pose = poses[0];
    self.postMessage({
      type: "pose",
      t,
      ms: performance.now() - began,
      width,
      height,
      keypoints: pose ? pose.keypoints.map((k) => [k.x, k.y, k.score ?? 0]) : null,
      keypoints3D: pose && pose.keypoints3D ? pose.keypoints3D.map((k) => [k.x, k.y, k.z, k.score ?? 0]) : null,
    });
  }
};
