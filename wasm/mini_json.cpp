#include "mini_json.hpp"

#include <cstdio>

#include "mxscope/error.hpp"

namespace mxscope_wasm::json {

namespace {

constexpr int max_depth = 64;

[[noreturn]] void fail(const char* what, std::size_t at) {
  throw mxscope::Error(mxscope::Errc::invalid_argument,
                       std::string("invalid JSON argument: ") + what + " at offset " + std::to_string(at));
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Value document() {
    Value v = value(0);
    space();
    if (i_ != s_.size()) fail("trailing characters", i_);
    return v;
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail("unexpected character", i_);
  }
  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  Value value(int depth) {
    if (depth > max_depth) fail("nested too deeply", i_);
    space();
    if (i_ >= s_.size()) fail("unexpected end", i_);
    Value v;
    const char c = s_[i_];
    if (c == '{') {
      ++i_;
      v.kind = Value::Kind::object;
      if (eat('}')) return v;
      do {
        space();
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name", i_);
        v.keys.push_back(string());
        expect(':');
        v.items.push_back(value(depth + 1));
      } while (eat(','));
      expect('}');
    } else if (c == '[') {
      ++i_;
      v.kind = Value::Kind::array;
      if (eat(']')) return v;
      do v.items.push_back(value(depth + 1));
      while (eat(','));
      expect(']');
    } else if (c == '"') {
      v.kind = Value::Kind::string;
      v.string = string();
    } else if (word("true")) {
      v.kind = Value::Kind::boolean;
      v.boolean = true;
    } else if (word("false")) {
      v.kind = Value::Kind::boolean;
    } else if (word("null")) {
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Value::Kind::number;
      v.number = number();
    } else {
      fail("unexpected character", i_);
    }
    return v;
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("truncated \\u escape", i_);
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else fail("bad \\u escape", i_);
    }
    return v;
  }

  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string", i_);
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string", i_);
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated string", i_);
      switch (s_[i_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
            const std::size_t back = i_;
            i_ += 2;
            const unsigned lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else i_ = back;
          }
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
          put_utf8(out, cp);
          break;
        }
        default: fail("bad escape", i_);
      }
    }
  }

  // Exact for integers up to 2^53 (epoch milliseconds); fractions and exponents are approximate,
  // which is enough for values that are floored to seconds.
  double number() {
    const std::size_t start = i_;
    bool negative = false;
    if (s_[i_] == '-') negative = true, ++i_;
    double v = 0;
    std::size_t digits = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') v = v * 10 + (s_[i_++] - '0'), ++digits;
    if (digits == 0) fail("bad number", start);
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      double scale = 0.1;
      std::size_t frac = 0;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') v += (s_[i_++] - '0') * scale, scale /= 10, ++frac;
      if (frac == 0) fail("bad number", start);
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      bool down = false;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) down = s_[i_++] == '-';
      int e = 0;
      std::size_t edigits = 0;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        if (e < 400) e = e * 10 + (s_[i_] - '0');
        ++i_, ++edigits;
      }
      if (edigits == 0) fail("bad number", start);
      for (int k = 0; k < e; ++k) v = down ? v / 10 : v * 10;
    }
    return negative ? -v : v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

const Value* Value::find(std::string_view key) const noexcept {
  for (std::size_t k = 0; k < keys.size(); ++k)
    if (keys[k] == key) return &items[k];
  return nullptr;
}

Value parse(std::string_view text) { return Parser(text).document(); }

void Writer::comma() {
  if (need_comma_) out_ += ',';
}
void Writer::open(char c) {
  comma();
  out_ += c;
  need_comma_ = false;
}
Writer& Writer::close(char c) {
  out_ += c;
  need_comma_ = true;
  return *this;
}
Writer& Writer::key(std::string_view name) {
  string(name);
  out_ += ':';
  need_comma_ = false;
  return *this;
}
Writer& Writer::string(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  comma();
  out_ += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += c;
    } else if (u < 0x20) {
      out_ += "\\u00";
      out_ += hex[u >> 4];
      out_ += hex[u & 15];
    } else {
      out_ += c;
    }
  }
  out_ += '"';
  need_comma_ = true;
  return *this;
}
Writer& Writer::number(std::int64_t n) {
  comma();
  out_ += std::to_string(n);
  need_comma_ = true;
  return *this;
}
Writer& Writer::boolean(bool b) {
  comma();
  out_ += b ? "true" : "false";
  need_comma_ = true;
  return *this;
}
Writer& Writer::null() {
  comma();
  out_ += "null";
  need_comma_ = true;
  return *this;
}

}  // namespace mxscope_wasm::json
