#include "http_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string_view>

#include "http_common.hpp"
#include "http_parse.hpp"

namespace mxgw {

namespace {

using http::iequals;
using http::query_decode;

constexpr std::size_t read_chunk = 16384;

using Clock = std::chrono::steady_clock;

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

// 1xx, 204 and 304 answers have no body and no Content-Length.
bool bodiless(int status) { return status < 200 || status == 204 || status == 304; }

// The status line and headers of an answer: the handler's headers except the framing ones, which
// are the server's (Content-Length from the body, Connection from `keep_alive`).
std::string response_head(const httplib::Response& res, bool keep_alive) {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const auto& [k, v] : res.headers) {
    if (iequals(k, "Content-Length") || iequals(k, "Connection") || iequals(k, "Transfer-Encoding")) continue;
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (!bodiless(res.status)) {
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

void parse_params(std::string_view q, httplib::Params& out) {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const std::string_view part = q.substr(0, amp);
    const auto eq = part.find('=');
    if (!part.empty())
      out.emplace(query_decode(part.substr(0, eq)), eq == std::string_view::npos ? "" : query_decode(part.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
}

// One connection's reading state: the bytes received and not yet consumed, and when the client
// last made progress (the client timeout counts from there).
class Reader {
 public:
  Reader(int fd, int tick_s, int client_timeout_s) : fd_(fd), tick_s_(tick_s), client_timeout_s_(client_timeout_s) {
    buf.reserve(read_chunk);
  }
  enum class Got { data, closed, too_slow };
  // Waits for more bytes of a request that has started.
  Got more() {
    while (true) {
      const ssize_t n = recv_some();
      if (n > 0) return Got::data;
      if (n == 0) return Got::closed;
      if (Clock::now() - last_ >= std::chrono::seconds(client_timeout_s_)) return Got::too_slow;
    }
  }
  // Waits for the first bytes of the next request: false when the connection ends or stays idle
  // past `keep_alive_s` (or the server stops).
  bool first(int keep_alive_s, const std::atomic<bool>& stopping) {
    int idle = 0;
    while (true) {
      const ssize_t n = recv_some();
      if (n > 0) return true;
      if (n == 0 || stopping) return false;
      idle += tick_s_;
      if (idle >= keep_alive_s) return false;
    }
  }
  std::string buf;

 private:
  // > 0: bytes appended; 0: closed or failed; < 0: nothing within one tick (SO_RCVTIMEO).
  ssize_t recv_some() {
    // Into a buffer of the thread's own, not into `buf` grown first: growing zero-fills.
    thread_local char chunk[read_chunk];
    ssize_t n;
    do n = ::recv(fd_, chunk, sizeof chunk, 0);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
      buf.append(chunk, static_cast<std::size_t>(n));
      last_ = Clock::now();
      return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return -1;
    return 0;
  }
  int fd_;
  int tick_s_;
  int client_timeout_s_;
  Clock::time_point last_ = Clock::now();
};

// Closes gracefully after an answer that leaves unread request bytes: a close with unread data
// would reset the connection and could destroy the answer before the client reads it.
void linger_close(int fd) {
  ::shutdown(fd, SHUT_WR);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char sink[16384];
  std::size_t drained = 0;
  while (drained < 4 * 1024 * 1024) {
    const ssize_t n = ::recv(fd, sink, sizeof sink, 0);
    if (n <= 0) break;
    drained += static_cast<std::size_t>(n);
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, Handler handler, ErrorHandler on_error)
    : options_(std::move(options)), handler_(std::move(handler)), on_error_(std::move(on_error)) {}

HttpServer::~HttpServer() {
  stop();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

int HttpServer::bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(options_.port);
  if (::getaddrinfo(options_.host.empty() ? nullptr : options_.host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
    return -1;
  for (addrinfo* ai = res; ai && listen_fd_ < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) listen_fd_ = fd;
    else ::close(fd);
  }
  ::freeaddrinfo(res);
  if (listen_fd_ < 0) return -1;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

void HttpServer::serve() {
  for (int i = 0; i < std::max(1, options_.threads); ++i) workers_.emplace_back([this] { worker(); });
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) break;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(fd);
    }
    queue_cv_.notify_one();
  }
  stop();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
  std::lock_guard lock(queue_mutex_);
  for (int fd : queue_) ::close(fd);
  queue_.clear();
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  {
    std::lock_guard lock(slots_mutex_);
    for (Slot* s : slots_)
      if (!s->busy && s->fd >= 0) ::shutdown(s->fd, SHUT_RDWR);
  }
  std::lock_guard lock(queue_mutex_);
  queue_cv_.notify_all();
}

void HttpServer::worker() {
  Slot slot;
  {
    std::lock_guard lock(slots_mutex_);
    slots_.push_back(&slot);
  }
  while (true) {
    int fd;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;
      fd = queue_.front();
      queue_.pop_front();
    }
    slot.fd = fd;
    if (!stopping_) connection(fd);
    std::lock_guard lock(slots_mutex_);  // stop() must not shut down a number reused meanwhile
    slot.fd = -1;
    ::close(fd);
  }
  std::lock_guard lock(slots_mutex_);
  slots_.erase(std::find(slots_.begin(), slots_.end(), &slot));
}

void HttpServer::connection(int fd) {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(slots_mutex_);
    for (Slot* s : slots_)
      if (s->fd == fd) slot = s;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Reads wake at least every `tick` seconds to check the keep-alive and client timeouts.
  const int tick = std::max(1, std::min(options_.client_timeout_s, options_.keep_alive_timeout_s));
  timeval rt{tick, 0}, wt{std::max(1, options_.client_timeout_s), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wt, sizeof wt);
  std::string remote_addr;
  int remote_port = 0;
  {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "";
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      if (ss.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        remote_port = ntohs(a->sin_port);
      } else if (ss.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        remote_port = ntohs(a->sin6_port);
      }
    }
    remote_addr = host;
  }

  Reader r(fd, tick, options_.client_timeout_s);
  // Answers a request the server refuses itself, and ends the connection.
  const auto refuse = [&](int status) {
    httplib::Response res;
    res.status = status;
    on_error_(status, res);
    http::send_all(fd, response_head(res, false), res.body);
    linger_close(fd);
  };

  http::RequestParser parser(http::Limits{.max_body = options_.max_body_bytes});
  while (!stopping_) {
    if (slot) slot->busy = false;
    if (r.buf.empty() && !r.first(options_.keep_alive_timeout_s, stopping_)) return;
    if (slot) slot->busy = true;

    // ---- the head and the body (http_parse.cpp) ----
    parser.reset();
    httplib::Request req;
    bool close_asked = false, keep_alive_asked = false;
    for (bool complete = false; !complete;) {
      switch (parser.advance(r.buf, req.body)) {
        case http::RequestParser::Step::more: {
          const auto got = r.more();
          if (got == Reader::Got::too_slow) return refuse(400);
          if (got == Reader::Got::closed) {
            if (parser.in_chunked_body()) refuse(400);
            return;
          }
          break;
        }
        case http::RequestParser::Step::head: {
          const http::RequestHead& h = parser.head();
          req.method.assign(h.method);
          req.target.assign(h.target);
          req.version.assign(h.version);
          for (std::size_t i = 0; i < h.field_count; ++i)
            req.headers.emplace(std::string(h.fields[i].name), std::string(h.fields[i].value));
          close_asked = h.close_asked;
          keep_alive_asked = h.keep_alive_asked;
          if ((h.chunked || h.length > 0) && h.expect_continue && h.version == "HTTP/1.1" && r.buf.size() == parser.body_start())
            if (http::send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", {}) != http::Sent::ok) return;
          break;
        }
        case http::RequestParser::Step::done: complete = true; break;
        case http::RequestParser::Step::refuse: return refuse(parser.status());
      }
    }
    r.buf.erase(0, parser.consumed());  // what is left is the start of the next (pipelined) request

    req.remote_addr = remote_addr;
    req.remote_port = remote_port;
    const auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) parse_params(std::string_view(req.target).substr(q + 1), req.params);

    // ---- the answer ----
    httplib::Response res;
    bool failed = false;
    try {
      handler_(req, res);
    } catch (...) {
      failed = true;
    }
    if (failed || res.status < 100 || res.status > 999) {
      res = httplib::Response();
      res.status = 500;
      on_error_(500, res);
    }
    const bool keep_alive = !stopping_ && (req.version == "HTTP/1.1" ? !close_asked : keep_alive_asked);
    if (http::send_all(fd, response_head(res, keep_alive),
                       req.method == "HEAD" || bodiless(res.status) ? std::string_view() : std::string_view(res.body)) !=
        http::Sent::ok)
      return;
    if (!keep_alive) return linger_close(fd);
  }
}

}  // namespace mxgw
