// --pre-js for the Node build: Node 20's global fetch cannot load file:// URLs, so the .wasm next to
// this file is read synchronously and handed over as wasmBinary. (`import.meta` here would crash
// the 3.1.6 JS optimiser; __dirname comes from node-shim.js.)
if (!Module['wasmBinary']) {
  Module['wasmBinary'] = require('fs').readFileSync(require('path').join(__dirname, 'mxscope-core.wasm'));
}
