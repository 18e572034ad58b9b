// libFuzzer target for the gateway's request parser (gateway/src/http_parse.cpp): hostile bytes,
// parsed whole and split in two, as the server would receive them on one connection (pipelined
// requests included).
// Input: 5 bytes of settings, then the connection's bytes.
//   [0] bit 7 set: the production limits (8192 / 64 KiB / 100 headers); clear: small limits, so
//       the limits and their interplay are reached by short inputs ([0] and [1] pick them)
//   [2] max_body = 16 * [2]
//   [3..4] where to split the bytes (modulo their length + 1)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http_parse.hpp"

namespace {

using mxgw::http::Limits;
using mxgw::http::RequestParser;
using Step = RequestParser::Step;

[[noreturn]] void bug(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "\nfuzz_http invariant violated: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}
#define HTTP_CHECK(cond, ...) \
  do {                        \
    if (!(cond)) bug("HTTP_CHECK(" #cond ")" __VA_OPT__(, ) __VA_ARGS__); \
  } while (0)

// What the parser made of one request, in owned strings (the views die with the buffer).
struct Outcome {
  Step step = Step::more;  // more: the bytes ended first
  int status = 0;
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
  std::size_t consumed = 0;
  bool operator==(const Outcome&) const = default;
};

bool has_forbidden(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

void check_head(const mxgw::http::RequestHead& h, const Limits& limits) {
  bool known = false;
  for (auto m : mxgw::http::methods) known = known || m == h.method;
  HTTP_CHECK(known, std::string(h.method));
  HTTP_CHECK(!h.target.empty() && h.target[0] == '/', std::string(h.target));
  HTTP_CHECK(!has_forbidden(h.target));
  HTTP_CHECK(h.version == "HTTP/1.1" || h.version == "HTTP/1.0");
  HTTP_CHECK(h.field_count <= limits.max_headers);
  for (std::size_t i = 0; i < h.field_count; ++i) {
    HTTP_CHECK(!h.fields[i].name.empty());
    HTTP_CHECK(!has_forbidden(h.fields[i].name) && !has_forbidden(h.fields[i].value), std::string(h.fields[i].name));
  }
  HTTP_CHECK(!(h.chunked && h.has_length), "Content-Length and Transfer-Encoding both accepted");
  HTTP_CHECK(!h.has_length || h.length <= limits.max_body);
}

// Feeds `pieces` in turn into one growing buffer, as the server does, and parses requests off it
// until one is refused or the bytes end. `bytes_total` is the sum of the pieces' sizes.
std::vector<Outcome> parse_connection(const Limits& limits, const std::vector<std::string_view>& pieces) {
  std::vector<Outcome> out;
  std::string buf;
  std::size_t next = 0;
  RequestParser parser(limits);
  Outcome cur;
  while (true) {
    const Step step = parser.advance(buf, cur.body);
    if (step == Step::more) {
      if (next == pieces.size()) break;
      buf.append(pieces[next++]);
      continue;
    }
    if (step == Step::head) {
      const auto& h = parser.head();
      check_head(h, limits);
      HTTP_CHECK(parser.body_start() <= buf.size() && parser.body_start() <= limits.max_head);
      cur.method = h.method;
      cur.target = h.target;
      cur.version = h.version;
      for (std::size_t i = 0; i < h.field_count; ++i) cur.fields.emplace_back(h.fields[i].name, h.fields[i].value);
      continue;
    }
    cur.step = step;
    if (step == Step::refuse) {
      cur.status = parser.status();
      HTTP_CHECK(cur.status == 400 || cur.status == 413, std::to_string(cur.status));
      HTTP_CHECK(parser.advance(buf, cur.body) == Step::refuse, "a refusal is final");
      out.push_back(std::move(cur));
      return out;
    }
    // done
    const auto& h = parser.head();
    HTTP_CHECK(!cur.method.empty(), "done without a head");
    HTTP_CHECK(parser.consumed() <= buf.size());
    HTTP_CHECK(cur.body.size() <= limits.max_body, "the body is over the limit");
    if (h.chunked)
      HTTP_CHECK(parser.consumed() - parser.body_start() <= mxgw::http::framing_allowance(limits),
                 "a chunked body consumed more than its framing allowance");
    else if (h.has_length)
      HTTP_CHECK(cur.body == std::string_view(buf).substr(parser.body_start(), h.length) &&
                 parser.consumed() == parser.body_start() + h.length);
    else
      HTTP_CHECK(cur.body.empty() && parser.consumed() == parser.body_start());
    cur.consumed = parser.consumed();
    buf.erase(0, parser.consumed());
    out.push_back(std::move(cur));
    cur = Outcome();
    parser.reset();
  }
  if (!buf.empty() || !cur.method.empty()) out.push_back(std::move(cur));  // an unfinished request
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  Limits limits;
  if (!(data[0] & 0x80)) {
    limits.max_line = 1 + (data[0] & 0x7f);
    limits.max_head = 1 + data[1] * 4u;
    limits.max_headers = 1 + data[1] % 11u;
  }
  limits.max_body = 16u * data[2];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 5, size - 5);
  const std::size_t split = (static_cast<std::size_t>(data[3]) << 8 | data[4]) % (bytes.size() + 1);

  const auto whole = parse_connection(limits, {bytes});
  const auto parts = parse_connection(limits, {bytes.substr(0, split), bytes.substr(split)});
  if (!(whole == parts)) {
    std::string detail = "split at " + std::to_string(split) + ": " + std::to_string(whole.size()) + " vs " +
                         std::to_string(parts.size()) + " outcomes";
    for (std::size_t i = 0; i < whole.size() && i < parts.size(); ++i)
      if (!(whole[i] == parts[i]))
        detail += "; #" + std::to_string(i) + " step " + std::to_string(static_cast<int>(whole[i].step)) + "/" +
                  std::to_string(static_cast<int>(parts[i].step)) + " status " + std::to_string(whole[i].status) + "/" +
                  std::to_string(parts[i].status);
    bug("the bytes split in two parse differently", detail);
  }
  return 0;
}
