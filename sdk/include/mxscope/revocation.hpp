/// @file
/// mxscope — revocation ids and the revocation set a verifier keeps.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace mxscope {

/// Size of a RevocationId in bytes (a BLAKE2b-128 hash).
inline constexpr std::size_t revocation_id_bytes = 16;

/// The revocation id of one block: BLAKE2b-128 of that block's signature. A token's ids start with
/// its parent's, so revoking an id revokes the token that owns it and every descendant.
struct RevocationId {
  std::array<std::uint8_t, revocation_id_bytes> bytes{};  ///< the raw hash

  /// 32 lowercase hex characters.
  std::string to_hex() const;
  /// Parses 32 hex characters (either case). Throws Error(invalid_argument).
  static RevocationId from_hex(std::string_view hex);
  /// Byte-wise ordering and equality, so ids can be kept in sorted sets.
  /// (Written out: libc++ 14 in Emscripten 3.1.6 has no `<=>` for std::array.)
  std::strong_ordering operator<=>(const RevocationId& other) const noexcept;
  /// Equal when the 16 bytes are equal.
  bool operator==(const RevocationId&) const = default;
};

/// A set of revoked ids. The file format is text: a header line `# mxscope revocations v1`, then
/// one id per line as 32 hex characters; blank lines and lines starting with `#` are ignored.
/// Not thread-safe: guard a set that one thread updates while others verify.
class RevocationSet {
 public:
  /// Adds an id; returns false if it was already there.
  bool add(const RevocationId& id);
  /// Removes an id; returns whether it was there.
  bool remove(const RevocationId& id);
  /// Whether `id` is revoked.
  bool contains(const RevocationId& id) const;
  /// Number of ids.
  std::size_t size() const noexcept { return ids_.size(); }
  /// The ids, in byte order.
  const std::set<RevocationId>& ids() const noexcept { return ids_; }

  /// The text form described above.
  std::string to_text() const;
  /// Parses the text form. Throws Error(invalid_argument) naming the bad line.
  static RevocationSet from_text(std::string_view text);
  /// Writes atomically (temporary file `<path>.tmp` + rename). Throws Error(io_error).
  void save(const std::string& path) const;
  /// Reads a file; a missing file is an empty set. Throws Error(io_error / invalid_argument).
  static RevocationSet load(const std::string& path);

 private:
  std::set<RevocationId> ids_;
};

}  // namespace mxscope
