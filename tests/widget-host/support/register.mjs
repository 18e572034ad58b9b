// node --import this: lets widget-host/ (which imports "matrix-widget-api", the package's
// dependency) resolve it from tests/widget-host/node_modules when the top-level node_modules has
// not been installed with it.
import { register } from "node:module";
register(new URL("./resolve-hook.mjs", import.meta.url));
await import("./quiet.mjs");
