// HTTP to the gateway with cpp-httplib. Tokens travel only in the Authorization header, never in
// a URL, so no URL the tool prints can carry one.
#include <httplib.h>

#include <cstdlib>

#include "cli.hpp"

namespace mxcli {

namespace {

std::string transport_message(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "connection failed (is it running, and is the URL right?)";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::Read: return "the connection broke or timed out while reading the answer";
    case httplib::Error::Write: return "the connection broke while sending the request";
    case httplib::Error::SSLConnection: return "TLS connection failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load the system's CA certificates";
    case httplib::Error::SSLServerVerification: return "the server's TLS certificate does not verify";
    default: return "request failed (" + httplib::to_string(e) + ")";
  }
}

int timeout_seconds() {
  if (const char* t = std::getenv("MXSCOPE_TIMEOUT"); t && *t) {
    const int v = std::atoi(t);
    if (v > 0) return v;
  }
  return 30;
}

}  // namespace

Gateway::Gateway(std::string url) : url_(std::move(url)) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  std::string rest;
  if (url_.starts_with("http://")) rest = url_.substr(7);
  else if (url_.starts_with("https://")) rest = url_.substr(8);
  else usage_error("the gateway URL must start with http:// or https:// (got '" + url_ + "')");
  const auto slash = rest.find('/');
  const std::string host = rest.substr(0, slash);
  if (host.empty() || host.find_first_of("?#@ ") != std::string::npos)
    usage_error("the gateway URL '" + url_ + "' has no valid host");
  origin_ = url_.substr(0, url_.size() - rest.size()) + host;
  prefix_ = slash == std::string::npos ? "" : rest.substr(slash);
}

Response Gateway::request(const std::string& method, const std::string& path, const std::string* token,
                          const json* body) const {
  httplib::Client cli(origin_);
  const int t = timeout_seconds();
  cli.set_connection_timeout(std::min(t, 10), 0);
  cli.set_read_timeout(t, 0);
  cli.set_write_timeout(t, 0);
  cli.set_follow_location(false);
  httplib::Headers headers{{"User-Agent", std::string("mxscope-cli/") + MXSCOPE_CLI_VERSION},
                           {"Accept", "application/json"}};
  if (token) headers.emplace("Authorization", "Bearer " + *token);
  const std::string target = prefix_ + path;
  std::string payload = body ? body->dump() : std::string();
  struct Wipe {  // the body may carry a password (login)
    std::string& s;
    ~Wipe() {
      volatile char* p = s.data();
      for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    }
  } wipe{payload};
  auto send = [&]() -> httplib::Result {
    if (method == "GET") return cli.Get(target, headers);
    if (method == "POST") return cli.Post(target, headers, body ? payload : std::string("{}"), "application/json");
    if (method == "PUT") return cli.Put(target, headers, payload, "application/json");
    throw std::logic_error("unsupported method");
  };
  const httplib::Result res = send();
  if (!res) throw Failure(exit_network, "unreachable", "cannot reach the gateway at " + url_ + ": " + transport_message(res.error()));
  Response r;
  r.status = res->status;
  r.raw = res->body;
  r.body = json::parse(res->body, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

std::string path_segment(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void fail_from(const Response& r, const std::string& what, const Gateway& gw) {
  const bool obj = r.body.is_object();
  const std::string errcode = obj && r.body.contains("errcode") && r.body["errcode"].is_string()
                                  ? r.body["errcode"].get<std::string>() : "";
  std::string message = obj && r.body.contains("error") && r.body["error"].is_string()
                            ? r.body["error"].get<std::string>() : "";
  if (!obj) {
    throw Failure(exit_network, "unexpected_answer",
                  what + ": unexpected answer (HTTP " + std::to_string(r.status) + ") from " + gw.url() +
                      "; is it an mxscope gateway?");
  }
  if (r.status == 401) {
    std::string code = obj && r.body.contains("org.mxscope.error") && r.body["org.mxscope.error"].is_string()
                           ? r.body["org.mxscope.error"].get<std::string>() : "";
    std::string hint;
    if (code == "token_expired") hint = " (mint a new one: mxscope token mint)";
    else if (code == "token_revoked") hint = " (mint a new one from a token that is not revoked)";
    else if (code.empty() && message.find("login") != std::string::npos) {
      code = "login_ended";
      hint = " (log in again: mxscope login)";
    }
    if (code.empty()) code = errcode == "M_MISSING_TOKEN" ? "missing_token" : "unknown_token";
    throw Failure(exit_token, code, what + ": " + (message.empty() ? "the token was not accepted" : message) + hint);
  }
  if (r.status == 403) {
    std::string code = obj && r.body.contains("org.mxscope.reason") && r.body["org.mxscope.reason"].is_string()
                           ? r.body["org.mxscope.reason"].get<std::string>() : "";
    if (code.empty() && obj && r.body.contains("org.mxscope.error") && r.body["org.mxscope.error"].is_string())
      code = r.body["org.mxscope.error"].get<std::string>();
    if (code.empty()) code = "forbidden";
    throw Failure(exit_refused, code, what + ": refused: " + (message.empty() ? "forbidden" : message));
  }
  if (r.status == 429) throw Failure(exit_network, "rate_limited", what + ": rate limited by the server; try again later");
  throw Failure(exit_network, r.status >= 500 ? "gateway_error" : "unexpected_answer",
                what + ": the gateway answered " + std::to_string(r.status) +
                    (errcode.empty() ? "" : " " + errcode) + (message.empty() ? "" : ": " + message));
}

}  // namespace mxcli
