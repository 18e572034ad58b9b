#include "upstream.hpp"

#include "http_common.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

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

Upstream::Upstream(const Config& config) : config_(config) {
  const std::string& url = config_.homeserver;
  if (url.starts_with("http://")) {
    plain_ = true;
    std::string hostport = url.substr(7);
    if (const auto slash = hostport.find('/'); slash != std::string::npos) hostport.resize(slash);
    host_ = hostport;
    std::string host = hostport;
    if (!host.empty() && host.front() == '[') {  // [v6]:port
      const auto close = host.find(']');
      const std::string after = host.substr(close + 1);
      addr_host_ = host.substr(1, close - 1);
      port_ = after.starts_with(":") ? std::atoi(after.c_str() + 1) : 80;
    } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
      addr_host_ = host.substr(0, colon);
      port_ = std::atoi(host.c_str() + colon + 1);
    } else {
      addr_host_ = host;
      port_ = 80;
    }
  }
}

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
  const int timeout = config_.upstream_timeout_s + extra_timeout_s;
  if (plain_) return send_plain(method, target, from, body, real_token, timeout);
  httplib::Client& cli = client();
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


// ---- the plain-HTTP client ------------------------------------------------------------------

namespace {

using http::iequals;

struct Conn {
  int fd = -1;
  const void* owner = nullptr;
  int timeout_s = -1;  // the SO_RCVTIMEO/SO_SNDTIMEO set on fd
  std::chrono::steady_clock::time_point last_used;
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
    timeout_s = -1;
  }
  ~Conn() { close(); }
};

int connect_to(const std::string& host, int port, int timeout_s) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) return -1;
  int fd = -1;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, timeout_s * 1000) == 1 ? 0 : -1;
      int err = 0;
      socklen_t len = sizeof err;
      if (rc == 0 && (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) rc = -1;
    }
    if (rc == 0) break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) return -1;
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void set_timeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Whether a kept-alive connection is still usable: no EOF and no unexpected bytes pending.
bool still_open(int fd) {
  char c;
  const ssize_t r = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

enum class Io { ok, eof, timeout, error };

// Appends what arrives to `buf`.
Io fill(int fd, std::string& buf) {
  char tmp[16384];
  while (true) {
    const ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
    if (r > 0) {
      buf.append(tmp, static_cast<std::size_t>(r));
      return Io::ok;
    }
    if (r == 0) return Io::eof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::timeout;
    return Io::error;
  }
}

}  // namespace

UpstreamResult Upstream::send_plain(const std::string& method, const std::string& target,
                                    const httplib::Request& from, const std::string& body,
                                    const mxscope::SecretBytes* real_token, int timeout) const {
  thread_local Conn conn;
  std::string head;
  head.reserve(512 + target.size());
  head += method;
  head += ' ';
  head += target;
  head += " HTTP/1.1\r\nHost: ";
  head += host_;
  head += "\r\n";
  bool has_type = false;
  for (const auto& [name, v] : from.headers)  // one pass; first occurrence of each allowed header
    for (const char* h : request_headers)
      if (iequals(name, h)) {
        if (v.find_first_of("\r\n") != std::string::npos || head.find(std::string("\r\n") + h + ":") != std::string::npos)
          break;
        has_type = has_type || iequals(name, "Content-Type");
        head += h;
        head += ": ";
        head += v;
        head += "\r\n";
        break;
      }
  if (!body.empty() && !has_type) head += "Content-Type: application/json\r\n";
  if (!from.remote_addr.empty()) head += "X-Forwarded-For: " + from.remote_addr + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (real_token) {
    head += "Authorization: Bearer ";
    head.append(reinterpret_cast<const char*>(real_token->data()), real_token->size());
    head += "\r\n";
  }
  head += "\r\n";

  const bool idempotent = method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
                          method == "OPTIONS";
  UpstreamResult out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A connection used moments ago is open unless the homeserver closed it just now, which the
    // retry below covers for idempotent requests; after a pause, look before sending.
    const auto now = std::chrono::steady_clock::now();
    if (conn.fd >= 0 && (conn.owner != this || (now - conn.last_used > std::chrono::milliseconds(200) && !still_open(conn.fd))))
      conn.close();
    const bool reused = conn.fd >= 0;
    if (!reused) {
      conn.fd = connect_to(addr_host_, port_, config_.upstream_connect_timeout_s);
      conn.owner = this;
      if (conn.fd < 0) {
        out.failure = UpstreamResult::Failure::unreachable;
        break;
      }
    }
    if (conn.timeout_s != timeout) {
      set_timeouts(conn.fd, timeout);
      conn.timeout_s = timeout;
    }
    const http::Sent sent = http::send_all(conn.fd, head, body);
    Io io = sent == http::Sent::ok ? Io::ok : sent == http::Sent::timeout ? Io::timeout : Io::error;
    std::string buf;
    std::size_t header_end = std::string::npos;
    if (io == Io::ok) {
      while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (buf.size() > 64 * 1024) {
          io = Io::error;
          break;
        }
        if ((io = fill(conn.fd, buf)) != Io::ok) break;
      }
    }
    if (io != Io::ok) {
      conn.close();
      // A kept-alive connection the homeserver closed just now: try once more on a new one.
      if (reused && buf.empty() && io != Io::timeout && idempotent) continue;
      out.failure = io == Io::timeout ? UpstreamResult::Failure::timeout : UpstreamResult::Failure::unreachable;
      break;
    }
    // Status line and headers.
    std::string_view hv(buf.data(), header_end);
    const auto eol = hv.find("\r\n");
    const std::string_view status_line = hv.substr(0, eol);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
      conn.close();
      out.failure = UpstreamResult::Failure::unreachable;
      break;
    }
    out.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    std::optional<std::size_t> length;
    bool chunked = false, close_after = status_line.starts_with("HTTP/1.0");
    std::string_view rest = eol == std::string_view::npos ? std::string_view() : hv.substr(eol + 2);
    while (!rest.empty()) {
      const auto e = rest.find("\r\n");
      const std::string_view line = rest.substr(0, e);
      rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      if (iequals(name, "Content-Length")) length = static_cast<std::size_t>(std::strtoull(std::string(value).c_str(), nullptr, 10));
      else if (iequals(name, "Transfer-Encoding")) chunked = value.find("chunked") != std::string_view::npos;
      else if (iequals(name, "Connection")) close_after = close_after || iequals(value, "close");
      else if (iequals(name, "Content-Type")) out.content_type = std::string(value);
      else
        for (const char* h : response_headers)
          if (iequals(name, h)) out.headers.emplace(h, std::string(value));
    }
    // Body.
    std::string data = buf.substr(header_end + 4);
    const bool no_body = method == "HEAD" || out.status == 204 || out.status == 304 || out.status < 200;
    Io bio = Io::ok;
    if (no_body) {
      data.clear();
    } else if (chunked) {
      std::string decoded;
      std::size_t pos = 0;
      while (true) {
        std::size_t le;
        while ((le = data.find("\r\n", pos)) == std::string::npos)
          if ((bio = fill(conn.fd, data)) != Io::ok) break;
        if (bio != Io::ok) break;
        const std::size_t size = std::strtoull(data.substr(pos, le - pos).c_str(), nullptr, 16);
        pos = le + 2;
        if (size == 0) {  // trailers, then an empty line
          while (data.find("\r\n", pos) == std::string::npos)
            if ((bio = fill(conn.fd, data)) != Io::ok) break;
          if (bio != Io::ok) break;
          while (true) {
            const std::size_t te = data.find("\r\n", pos);
            if (te == std::string::npos) {
              if ((bio = fill(conn.fd, data)) != Io::ok) break;
              continue;
            }
            const bool last = te == pos;
            pos = te + 2;
            if (last) break;
          }
          break;
        }
        while (data.size() < pos + size + 2)
          if ((bio = fill(conn.fd, data)) != Io::ok) break;
        if (bio != Io::ok) break;
        decoded.append(data, pos, size);
        pos += size + 2;
      }
      data = std::move(decoded);
    } else if (length) {
      while (data.size() < *length)
        if ((bio = fill(conn.fd, data)) != Io::ok) break;
      if (bio == Io::ok) data.resize(*length);
    } else {
      while ((bio = fill(conn.fd, data)) == Io::ok) {
      }
      if (bio == Io::eof) bio = Io::ok;
      close_after = true;
    }
    if (bio != Io::ok) {
      conn.close();
      out = UpstreamResult{};
      out.failure = bio == Io::timeout ? UpstreamResult::Failure::timeout : UpstreamResult::Failure::unreachable;
      break;
    }
    if (close_after) conn.close();
    conn.last_used = std::chrono::steady_clock::now();
    out.body = std::move(data);
    break;
  }
  sodium_memzero(head.data(), head.size());
  return out;
}

}  // namespace mxgw
