// mxscope widget host: embed Matrix widgets with a per-widget, room-scoped, short-lived,
// revocable mxscope token. See widget-host/README.md.
export { WidgetHost, roomAdmins, WRAPPER_ORIGINS } from "./widget-host.mjs";
export { HostedWidget, IFRAME_SANDBOX } from "./hosted-widget.mjs";
export { ScopedWidgetDriver } from "./driver.mjs";
export { Enforcer, planAction, ScopeDenied, denialError } from "./enforcement.mjs";
export { buildPromptRows, groupRows, hostOnlyCapabilities, GROUPS } from "./prompt-model.mjs";
export { GrantStore, MemoryStorage, DURATIONS } from "./grants.mjs";
export { runTemplate, widgetUrl, grantKey, sharedData, TEMPLATE_VARIABLES } from "./url-template.mjs";
export { mintWidgetToken } from "./tokens.mjs";
export { FetchClient, MatrixHttpError } from "./clients/fetch-client.mjs";
export { MatrixJsSdkClient } from "./clients/matrix-js-sdk-client.mjs";
export { domPrompter } from "./prompt-dom.mjs";
export { renderPanel } from "./panel-dom.mjs";
