// The gateway's HTTP/1.1 server: a worker per client connection (as cpp-httplib's), but with
// blocking sockets and kernel timeouts (SO_RCVTIMEO/SO_SNDTIMEO) instead of a poll() before every
// read and write, and each answer written with one writev. A request costs one recv and one
// writev on a kept-alive connection; cpp-httplib's server spent about ten system calls.
// Requests and answers are cpp-httplib's types, so handlers do not depend on the server; the
// bytes are parsed by http_parse.hpp (pure functions, fuzzed by tests/fuzz/fuzz_http.cpp).
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mxgw {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                  // 0: any free port
  int threads = 64;              // workers; each open connection holds one
  int client_timeout_s = 10;     // per read or write once a request has started
  int keep_alive_timeout_s = 5;  // idle time allowed between requests
  std::size_t max_body_bytes = 100 * 1024 * 1024;
};

class HttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Fills the answer to a request the server itself refuses (status 400, 413, 500, ...).
  using ErrorHandler = std::function<void(int status, httplib::Response&)>;

  HttpServer(HttpServerOptions options, Handler handler, ErrorHandler on_error);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the port, or -1.
  int bind();
  // Serves until stop(); returns once every connection is closed.
  void serve();
  // Stops accepting and closes idle connections; requests in flight finish first.
  void stop();

 private:
  void worker();
  void connection(int fd);

  HttpServerOptions options_;
  Handler handler_;
  ErrorHandler on_error_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<int> queue_;  // accepted connections waiting for a worker

  // Connections being served, for stop(): idle ones (between requests) are shut down at once.
  struct Slot {
    std::atomic<int> fd{-1};
    std::atomic<bool> busy{false};
  };
  std::mutex slots_mutex_;
  std::vector<Slot*> slots_;
  std::vector<std::thread> workers_;
};

}  // namespace mxgw
