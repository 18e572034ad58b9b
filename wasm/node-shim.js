// --extern-pre-js for the Node build: Emscripten 3.1.6's Node glue uses `require` and `__dirname`,
// which do not exist in an ES module. Static imports, so they must stay at the top of the file.
import { createRequire } from 'module';
import { dirname as __mxscope_dirname } from 'path';
import { fileURLToPath as __mxscope_fileURLToPath } from 'url';
const require = createRequire(import.meta.url);
const __dirname = __mxscope_dirname(__mxscope_fileURLToPath(import.meta.url));
