// In the repository only: js/index.mjs imports ./mxscope-core.mjs, which in dist/node and dist/web
// is the Emscripten module itself (scripts/build-wasm.sh puts it there). Importing js/index.mjs
// straight from a checkout (the widget host, local experiments) lands here instead, and this picks
// the build for the environment. Not part of the npm package.
const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

export default async function createMxscopeCore(moduleArg = {}) {
  let create;
  try {
    if (isNode) {
      // A computed specifier, so bundlers building for browsers never look at the Node build.
      const nodeBuild = new URL('../dist/node/mxscope-core.mjs', import.meta.url).href;
      create = (await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeBuild)).default;
    } else {
      create = (await import('../dist/web/mxscope-core.mjs')).default;
    }
  } catch (e) {
    throw new Error(`the WebAssembly build is missing from dist/ (run scripts/build-wasm.sh): ${e?.message ?? e}`);
  }
  return create(moduleArg);
}
