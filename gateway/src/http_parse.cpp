#include "http_parse.hpp"

#include <algorithm>

#include "http_common.hpp"

namespace mxgw::http {

namespace {

constexpr auto npos = std::string_view::npos;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {  // RFC 9110 tchar
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != npos;
}

// RFC 9110 field-value: no control characters but HTAB (obs-text, 0x80-0xff, is allowed).
bool is_field_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

// Origin-form request target: printable ASCII and obs-text, no space or control character.
bool is_target_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f;
}

}  // namespace

int parse_head(std::string_view head, const Limits& limits, RequestHead& out) {
  out.field_count = 0;
  out.chunked = out.has_length = out.close_asked = out.keep_alive_asked = out.expect_continue = false;
  out.length = 0;

  const std::size_t eol = head.find("\r\n");
  const std::string_view request_line = head.substr(0, eol);
  if (request_line.size() > limits.max_line) return 400;
  const auto sp1 = request_line.find(' ');
  const auto sp2 = sp1 == npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp2 == npos) return 400;
  out.method = request_line.substr(0, sp1);
  out.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  out.version = request_line.substr(sp2 + 1);
  if (out.version != "HTTP/1.1" && out.version != "HTTP/1.0") return 400;
  if (std::find(std::begin(methods), std::end(methods), out.method) == std::end(methods)) return 400;
  // Only origin-form: absolute-form ("http://host/...") and asterisk-form ("*") are for proxies
  // and server-wide OPTIONS, neither of which the gateway is.
  if (out.target.empty() || out.target[0] != '/' || !std::all_of(out.target.begin(), out.target.end(), is_target_char))
    return 400;

  const std::size_t max_headers = std::min(limits.max_headers, out.fields.size());
  std::string_view rest = eol == npos ? std::string_view() : head.substr(eol + 2);
  while (!rest.empty()) {
    const auto e = rest.find("\r\n");
    const std::string_view line = rest.substr(0, e);
    rest = e == npos ? std::string_view() : rest.substr(e + 2);
    if (line.size() > limits.max_line || out.field_count == max_headers) return 400;
    const auto colon = line.find(':');
    if (colon == 0 || colon == npos) return 400;
    const std::string_view name = line.substr(0, colon);
    // Also refuses obs-fold (a line starting with a blank), a bare LF inside the line and a
    // blank before the colon.
    if (!std::all_of(name.begin(), name.end(), is_token_char)) return 400;
    const std::string_view value = trim(line.substr(colon + 1));
    if (!std::all_of(value.begin(), value.end(), is_field_char)) return 400;
    if (iequals(name, "Content-Length")) {
      if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return 400;
      std::size_t n = 0;
      for (char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
      if (out.has_length && out.length != n) return 400;
      out.has_length = true;
      out.length = n;
    } else if (iequals(name, "Transfer-Encoding")) {
      if (!iequals(value, "chunked") || out.chunked) return 400;
      out.chunked = true;
    } else if (iequals(name, "Connection")) {
      out.close_asked = out.close_asked || iequals(value, "close");
      out.keep_alive_asked = out.keep_alive_asked || iequals(value, "keep-alive");
    } else if (iequals(name, "Expect")) {
      out.expect_continue = iequals(value, "100-continue");
    }
    out.fields[out.field_count++] = {name, value};
  }
  if (out.chunked && out.has_length) return 400;  // ambiguous framing: a smuggling attempt
  if (out.has_length && out.length > limits.max_body) return 413;
  return 0;
}

void RequestParser::reset() {
  phase_ = Phase::head;
  scan_ = body_start_ = pos_ = chunk_ = trailers_start_ = 0;
  status_ = 0;
}

bool RequestParser::in_chunked_body() const {
  return phase_ == Phase::chunk_size || phase_ == Phase::chunk_data || phase_ == Phase::trailers;
}

RequestParser::Step RequestParser::refuse(int status) {
  phase_ = Phase::refused;
  status_ = status;
  return Step::refuse;
}

// The framing line (chunk size or trailer) at pos_: 0 with `out` set and pos_ past its CRLF, -1
// when more bytes are needed, or the status to refuse with. Two limits apply, each a position the
// line's end may not pass: max_line from the line's start and the framing allowance from the
// body's start. The nearer one decides, whether the bytes arrived whole or in pieces: without a
// CRLF yet, the line ends past the buffer's end, so a limit the buffer already reaches is broken.
int RequestParser::line(std::string_view buf, std::string_view& out) {
  const std::size_t line_limit = pos_ + limits_.max_line + 2;
  const std::size_t raw_limit = body_start_ + framing_allowance(limits_);
  const std::size_t limit = std::min(line_limit, raw_limit);
  const int over = line_limit <= raw_limit ? 400 : 413;
  const auto e = buf.find("\r\n", pos_);
  if (e == npos) return buf.size() >= limit ? over : -1;
  if (e + 2 > limit) return over;
  out = buf.substr(pos_, e - pos_);
  pos_ = e + 2;
  return 0;
}

RequestParser::Step RequestParser::advance(std::string_view buf, std::string& body) {
  while (true) {
    switch (phase_) {
      case Phase::head: {
        const auto end = buf.find("\r\n\r\n", scan_);
        if (end == npos) {
          // The head ends past the buffer, so a buffer over the limit proves it too long.
          if (buf.size() > limits_.max_head) return refuse(400);
          scan_ = buf.size() > 3 ? buf.size() - 3 : 0;
          return Step::more;
        }
        if (end + 4 > limits_.max_head) return refuse(400);
        if (const int status = parse_head(buf.substr(0, end), limits_, head_)) return refuse(status);
        body_start_ = pos_ = end + 4;
        body.clear();
        phase_ = head_.chunked ? Phase::chunk_size : head_.has_length ? Phase::length : Phase::done;
        return Step::head;
      }
      case Phase::length:
        if (buf.size() - pos_ < head_.length) return Step::more;
        body.assign(buf.data() + pos_, head_.length);
        pos_ += head_.length;
        phase_ = Phase::done;
        break;
      case Phase::chunk_size: {
        std::string_view size_line;
        if (const int rc = line(buf, size_line)) return rc < 0 ? Step::more : refuse(rc);
        size_line = trim(size_line.substr(0, size_line.find(';')));  // chunk extensions are dropped
        if (size_line.empty() || size_line.size() > 12) return refuse(400);
        std::size_t size = 0;
        for (char c : size_line) {
          const int v = hexval(c);
          if (v < 0) return refuse(400);
          size = size * 16 + static_cast<std::size_t>(v);
        }
        if (size == 0) {
          trailers_start_ = pos_;
          phase_ = Phase::trailers;
        } else {
          if (body.size() + size > limits_.max_body) return refuse(413);
          chunk_ = size;
          phase_ = Phase::chunk_data;
        }
        break;
      }
      case Phase::chunk_data:
        if (buf.size() - pos_ < chunk_ + 2) return Step::more;
        if (buf.substr(pos_ + chunk_, 2) != "\r\n") return refuse(400);
        body.append(buf.data() + pos_, chunk_);
        pos_ += chunk_ + 2;
        phase_ = Phase::chunk_size;
        break;
      case Phase::trailers: {  // up to an empty line; dropped
        std::string_view t;
        if (const int rc = line(buf, t)) return rc < 0 ? Step::more : refuse(rc);
        if (t.empty()) phase_ = Phase::done;
        else if (pos_ - trailers_start_ > limits_.max_head) return refuse(400);
        break;
      }
      case Phase::done: return Step::done;
      case Phase::refused: return Step::refuse;
    }
  }
}

}  // namespace mxgw::http
