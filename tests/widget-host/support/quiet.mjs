// matrix-widget-api logs every message it sends with console.log; keep test output readable.
const log = console.log.bind(console);
console.log = (...args) => {
  if (typeof args[0] === "string" && (args[0].startsWith("[PostmessageTransport]") || args[0].startsWith("Widget ") || args[0].startsWith("waitForIframeLoad"))) return;
  log(...args);
};
const error = console.error.bind(console);
console.error = (...args) => {
  if (typeof args[0] === "string" && (args[0].startsWith("error sending") || args[0].startsWith("[ClientWidgetApi]"))) return;
  error(...args);
};
