// The request side of HTTP/1.1 as pure functions over bytes (no sockets): the head, and the body's
// framing (Content-Length or chunked). The server (http_server.cpp) feeds it what it receives;
// tests/fuzz/fuzz_http.cpp feeds it hostile bytes, whole and split. docs/gateway.md (Errors)
// lists what is refused.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace mxgw::http {

struct Limits {
  std::size_t max_line = 8192;        // the request line and each header or chunk line, without CRLF
  std::size_t max_head = 64 * 1024;   // all of the request head, with its empty line
  std::size_t max_headers = 100;
  std::size_t max_body = 100 * 1024 * 1024;
};

// What a chunked body may occupy on the wire from its first byte to the end of its trailers: the
// body, a quarter more for the framing (chunk-size lines, extensions, tiny chunks) and one request
// head, so a client cannot make the gateway buffer unbounded bytes around a small body.
constexpr std::size_t framing_allowance(const Limits& l) { return l.max_body + l.max_body / 4 + l.max_head; }

// The methods the gateway serves; any other is refused.
inline constexpr std::string_view methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

// A parsed request head. The views point into the bytes given to parse_head.
struct RequestHead {
  std::string_view method, target, version;  // target: origin-form ("/path?query")
  struct Field {
    std::string_view name, value;  // value without surrounding blanks
  };
  std::array<Field, 100> fields;  // the first field_count; Limits::max_headers is capped at 100
  std::size_t field_count = 0;
  bool chunked = false;     // Transfer-Encoding: chunked (never together with a Content-Length)
  bool has_length = false;  // Content-Length given; then length <= max_body
  std::size_t length = 0;
  bool close_asked = false, keep_alive_asked = false, expect_continue = false;
};

// Parses a complete request head, `head` ending before its empty line ("...\r\n\r\n" excluded).
// Returns 0, or the status to refuse the request with (400, or 413 for a Content-Length over
// max_body).
int parse_head(std::string_view head, const Limits& limits, RequestHead& out);

// One request, incrementally: advance() is called with the connection's bytes from the request's
// first byte on, again (with more bytes appended, possibly moved) each time it asks for more.
// The answer depends only on the bytes, never on how they were split into calls.
class RequestParser {
 public:
  explicit RequestParser(const Limits& limits) : limits_(limits) {}
  enum class Step {
    more,    // needs more bytes
    head,    // the head is parsed: head() is valid until `buf` changes; call again for the body
    done,    // the request is complete: consumed() bytes are its own, the rest the next request's
    refuse,  // status() says why; the connection must end
  };
  // The decoded body is written to `body` (the same string on every call of one request).
  Step advance(std::string_view buf, std::string& body);
  // Starts over for the next request (keeps the limits).
  void reset();

  const RequestHead& head() const { return head_; }
  bool in_chunked_body() const;
  std::size_t body_start() const { return body_start_; }
  std::size_t consumed() const { return pos_; }
  int status() const { return status_; }

 private:
  enum class Phase { head, length, chunk_size, chunk_data, trailers, done, refused };
  Step refuse(int status);
  int line(std::string_view buf, std::string_view& out);

  Limits limits_;
  Phase phase_ = Phase::head;
  std::size_t scan_ = 0;        // where to resume looking for the head's end
  std::size_t body_start_ = 0;  // offsets into buf
  std::size_t pos_ = 0;
  std::size_t chunk_ = 0;           // size of the chunk being read
  std::size_t trailers_start_ = 0;
  int status_ = 0;
  RequestHead head_;
};

}  // namespace mxgw::http
