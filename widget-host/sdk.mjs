// The one place the widget host touches the mxscope JS API. Everything else in widget-host/ goes
// through these functions, so an API change is one edit here.
//
// "mxscope" is the package's own main entry (a self-reference, resolved through package.json
// "exports" with the same conditions as the application's `import "mxscope"`), so the host and the
// application share one module, one WebAssembly instance and one VerifiedToken brand. In the
// repository it resolves the same way (Node: dist/node/; pages map it with an import map).
import * as mx from "mxscope";

export { mx };

export const ready = () => mx.ready();
