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

class Upstream {
 public:
  explicit Upstream(const Config& config) : config_(config) {}
  // Sends `method target` (target = raw path + query, as received) with the headers of `from`
  // that are safe to pass, `body`, and `Authorization: Bearer <real_token>` when given.
  // `extra_timeout_s` extends the read timeout (long-polling /sync).
  UpstreamResult send(const std::string& method, const std::string& target, const httplib::Request& from,
                      const std::string& body, const mxscope::SecretBytes* real_token, int extra_timeout_s = 0) const;

 private:
  httplib::Client& client() const;
  const Config& config_;
};

}  // namespace mxgw
