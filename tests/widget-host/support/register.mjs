// node --import this: lets widget-host/ (which imports "matrix-widget-api" like any consumer)
// resolve it from tests/widget-host/node_modules until the top-level package.json lists it.
import { register } from "node:module";
register(new URL("./resolve-hook.mjs", import.meta.url));
await import("./quiet.mjs");
