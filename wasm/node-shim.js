// --extern-pre-js for the Node build: Emscripten 3.1.6's Node glue uses `require` and `__dirname`,
// which do not exist in an ES module. Static imports, so they must stay at the top of the file.
import { createRequire } from 'module';
import { dirname as __mxscope_dirname } from 'path';
import { fileURLToPath as __mxscope_fileURLToPath } from 'url';
const require = createRequire(import.meta.url);
const __dirname = __mxscope_dirname(__mxscope_fileURLToPath(import.meta.url));
// Node 20 (V8 11.x) can crash with SIGSEGV after TurboFan inlines many JS-to-wasm calls into hot
// JS functions (reproduced: bench/node/repro-node20-crash.mjs; fixed in later V8). Turning that
// one optimisation off before any call to this module is compiled avoids it; Node 22 is unaffected.
if (/^11\./.test(process.versions.v8)) require('v8').setFlagsFromString('--no-turbo-inline-js-wasm-calls');
