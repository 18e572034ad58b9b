#include "upstream.hpp"

#include <chrono>
#include <memory>

namespace mxgw {

namespace {

// Request headers passed to the homeserver. Never Authorization (replaced), Cookie, Host.
constexpr const char* request_headers[] = {"Content-Type", "Accept", "Accept-Language", "User-Agent", "Range",
                                           "If-None-Match", "If-Modified-Since", "If-Range"};
// Response headers passed back to the client.
constexpr const char* response_headers[] = {"Content-Disposition", "Cache-Control", "ETag", "Last-Modified",
                                            "Content-Range", "Accept-Ranges", "Access-Control-Allow-Origin",
                                            "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
                                            "Access-Control-Expose-Headers", "Cross-Origin-Resource-Policy",
                                            "Content-Security-Policy", "X-Content-Type-Options", "Retry-After",
                                            "Expires", "Vary"};

}  // namespace

httplib::Client& Upstream::client() const {
  thread_local std::unique_ptr<httplib::Client> cli;
  thread_local const Upstream* owner = nullptr;
  if (!cli || owner != this) {
    cli = std::make_unique<httplib::Client>(config_.homeserver);
    cli->set_keep_alive(true);
    cli->set_tcp_nodelay(true);
    cli->set_connection_timeout(config_.upstream_connect_timeout_s, 0);
    cli->set_write_timeout(config_.upstream_timeout_s, 0);
    cli->set_url_encode(false);  // forward the path exactly as received
    cli->set_decompress(false);
    cli->set_compress(false);
    cli->set_follow_location(false);
    owner = this;
  }
  return *cli;
}

UpstreamResult Upstream::send(const std::string& method, const std::string& target, const httplib::Request& from,
                              const std::string& body, const mxscope::SecretBytes* real_token,
                              int extra_timeout_s) const {
  httplib::Client& cli = client();
  const int timeout = config_.upstream_timeout_s + extra_timeout_s;
  cli.set_read_timeout(timeout, 0);

  httplib::Request req;
  req.method = method;
  req.path = target;
  for (const char* h : request_headers)
    if (from.has_header(h)) req.set_header(h, from.get_header_value(h));
  if (real_token) {
    std::string auth = "Bearer ";
    auth.append(reinterpret_cast<const char*>(real_token->data()), real_token->size());
    req.set_header("Authorization", auth);
  }
  if (!from.remote_addr.empty()) req.set_header("X-Forwarded-For", from.remote_addr);
  req.body = body;
  if (!body.empty() && !req.has_header("Content-Type")) req.set_header("Content-Type", "application/json");

  const auto t0 = std::chrono::steady_clock::now();
  httplib::Result r = cli.send(req);
  UpstreamResult out;
  if (!r) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto err = r.error();
    out.failure = (err == httplib::Error::Read && elapsed + 0.05 >= timeout) ? UpstreamResult::Failure::timeout
                                                                            : UpstreamResult::Failure::unreachable;
    return out;
  }
  out.status = r->status;
  out.body = std::move(r->body);
  out.content_type = r->get_header_value("Content-Type");
  for (const char* h : response_headers)
    if (r->has_header(h)) out.headers.emplace(h, r->get_header_value(h));
  return out;
}

}  // namespace mxgw
