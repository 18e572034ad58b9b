// The one place the widget host touches the mxscope JS API (js/index.mjs). Everything else in
// widget-host/ goes through these functions, so an API change is one edit here.
import * as mx from "../js/index.mjs";

export { mx };

export const ready = () => mx.ready();
