// Forwarding to the homeserver: one keep-alive connection per worker thread.
#pragma once

#include <httplib.h>

#include <string>

#include "config.hpp"
#include "mxscope/keys.hpp"

namespace mxgw {

struct UpstreamResult {
  enum class Failure { none, unreachable, timeout } failure = Failure::none;
  int status = 0;
  std::string body;
  httplib::Headers headers;  // only the ones worth passing back (see upstream.cpp)
  std::string content_type;
};

// http:// homeservers go through a small HTTP/1.1 client of its own (one send and one or two
// receives per request on a kept-alive connection); https:// ones through cpp-httplib's client.
class Upstream {
 public:
  explicit Upstream(const Config& config);
  // Sends `method target` (target = raw path + query, as received) with the headers of `from`
  // that are safe to pass, `body`, and `Authorization: Bearer <real_token>` when given.
  // `extra_timeout_s` extends the read timeout (long-polling /sync).
  UpstreamResult send(const std::string& method, const std::string& target, const httplib::Request& from,
                      const std::string& body, const mxscope::SecretBytes* real_token, int extra_timeout_s = 0) const;

 private:
  httplib::Client& client() const;
  UpstreamResult send_plain(const std::string& method, const std::string& target, const httplib::Request& from,
                            const std::string& body, const mxscope::SecretBytes* real_token, int timeout_s) const;
  const Config& config_;
  bool plain_ = false;     // http:// (own client) rather than https:// (httplib)
  std::string host_;       // for the Host header
  std::string addr_host_;  // what to connect to
  int port_ = 80;
};

}  // namespace mxgw
