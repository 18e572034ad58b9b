// Internal: the block payload encoding (docs/token-format.md §4) and the byte reader both use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto.hpp"
#include "mxscope/scope.hpp"

namespace mxscope::detail {

/// Caveat tags. Tags below 0x80 are critical: a verifier that does not know one must reject the
/// token. Tags 0x80 and above are informational and never affect a decision.
enum Tag : std::uint8_t {
  tag_user_id = 0x01,
  tag_device_id = 0x02,
  tag_actions = 0x03,
  tag_rooms = 0x04,
  tag_events = 0x05,
  tag_not_before = 0x06,
  tag_not_after = 0x07,
  tag_name = 0x08,
};

/// A decoded payload.
struct Payload {
  std::optional<std::string> user_id;
  std::optional<std::string> device_id;
  Caveats caveats;
  std::vector<std::uint8_t> unknown_tags;
};

Bytes encode_payload(const Payload& p);
/// Throws Error(malformed_token / unknown_critical).
Payload decode_payload(const std::uint8_t* data, std::size_t size);

/// Bounds-checked reader over untrusted bytes; every failure throws Error(malformed_token).
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  bool done() const { return p_ == end_; }
  std::uint8_t byte();
  const std::uint8_t* take(std::size_t n);
  /// Unsigned LEB128, at most 10 bytes, minimal encoding only.
  std::uint64_t varint();
  std::string string(std::size_t max);

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

void put_varint(Bytes& out, std::uint64_t v);

/// Validation shared by minting and parsing.
bool valid_user_id(const std::string& s);
bool valid_room_id(const std::string& s);

}  // namespace mxscope::detail
