// The little JSON the binding boundary needs: a reader into a small tree and a streaming writer.
// (nlohmann/json alone was ~80 KB of the .wasm; this is a few KB.) Only what JSON.stringify emits
// and JSON.parse reads: objects, arrays, strings, numbers, booleans, null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mxscope_wasm::json {

/// A parsed JSON value. Objects keep their members in document order.
struct Value {
  enum class Kind : std::uint8_t { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> items;       ///< array elements, or object member values
  std::vector<std::string> keys;  ///< object member names (parallel to items)

  bool is_null() const noexcept { return kind == Kind::null; }
  /// The member named `key`, or nullptr (objects only).
  const Value* find(std::string_view key) const noexcept;
};

/// Parses one JSON text (nesting at most 64 deep). Throws mxscope::Error(invalid_argument).
Value parse(std::string_view text);

/// Appends JSON to a string. Commas are placed automatically.
class Writer {
 public:
  Writer& begin_object() { open('{'); return *this; }
  Writer& end_object() { return close('}'); }
  Writer& begin_array() { open('['); return *this; }
  Writer& end_array() { return close(']'); }
  Writer& key(std::string_view name);
  Writer& string(std::string_view s);
  Writer& number(std::int64_t n);
  Writer& boolean(bool b);
  Writer& null();
  /// `key` followed by a value of one of the kinds above.
  template <class T>
  Writer& field(std::string_view name, const T& value) {
    key(name);
    return put(value);
  }
  std::string take() { return std::move(out_); }

 private:
  void open(char c);
  Writer& close(char c);
  void comma();
  Writer& put(std::string_view s) { return string(s); }
  Writer& put(const std::string& s) { return string(s); }
  Writer& put(const char* s) { return string(s); }
  Writer& put(bool b) { return boolean(b); }
  Writer& put(std::int64_t n) { return number(n); }
  Writer& put(int n) { return number(n); }
  Writer& put(std::size_t n) { return number(static_cast<std::int64_t>(n)); }

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace mxscope_wasm::json
