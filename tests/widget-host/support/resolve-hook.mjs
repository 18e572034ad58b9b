import { pathToFileURL } from "node:url";
const local = new URL("../node_modules/", import.meta.url);
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier === "matrix-widget-api" || specifier.startsWith("playwright-core")) {
      return next(specifier, { ...context, parentURL: new URL("package.json", local.href.replace(/node_modules\/$/, "")).href });
    }
    throw e;
  }
}
