#include "spec_format.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace spec {

namespace {

// §4.3, copied from the spec table (not from the SDK).
constexpr std::string_view common_names[] = {
    "",
    "m.room.message",
    "m.text",
    "m.notice",
    "m.emote",
    "m.image",
    "m.file",
    "m.video",
    "m.audio",
    "m.location",
    "m.reaction",
    "m.sticker",
    "m.room.redaction",
    "m.room.encrypted",
    "m.room.name",
    "m.room.topic",
    "m.room.avatar",
    "m.room.member",
    "m.room.power_levels",
    "m.room.join_rules",
    "m.room.history_visibility",
    "m.room.encryption",
    "m.room.pinned_events",
    "m.room.create",
    "im.vector.modular.widgets",
    "*",
};

void init() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
}

struct Cursor {
  const Bytes& in;
  std::size_t at = 0;
  const std::uint8_t* take(std::size_t n) {
    if (n > in.size() - at) throw std::runtime_error("spec::split: truncated");
    const std::uint8_t* p = in.data() + at;
    at += n;
    return p;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      const std::uint8_t b = *take(1);
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("spec::split: bad varint");
  }
};

void put_name(Bytes& out, const std::string& s) {
  for (std::size_t i = 0; i < std::size(common_names); ++i)
    if (common_names[i] == s) {
      out.push_back(0);
      out.push_back(static_cast<std::uint8_t>(i));
      return;
    }
  put_varint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

void put_varint(Bytes& out, std::uint64_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

Layout split(const Bytes& token) {
  Layout l;
  Cursor c{token};
  l.version = *c.take(1);
  const std::uint8_t header = *c.take(1);
  l.sealed = header & 0x80;
  const std::size_t n = (header & 0x1f) + 1u;
  std::memcpy(l.key_id.data(), c.take(4), 4);
  for (std::size_t i = 0; i < n; ++i) {
    Block b;
    if (i > 0) {
      Key k;
      std::memcpy(k.data(), c.take(32), 32);
      b.signer = k;
    }
    const std::size_t len = static_cast<std::size_t>(c.varint());
    const std::uint8_t* p = c.take(len);
    b.payload.assign(p, p + len);
    std::memcpy(b.signature.data(), c.take(64), 64);
    l.blocks.push_back(std::move(b));
  }
  l.tail.assign(token.begin() + static_cast<std::ptrdiff_t>(c.at), token.end());
  return l;
}

Bytes join(const Layout& l) {
  Bytes out{l.version, static_cast<std::uint8_t>((l.sealed ? 0x80 : 0) | ((l.blocks.size() - 1) & 0x1f))};
  out.insert(out.end(), l.key_id.begin(), l.key_id.end());
  for (const auto& b : l.blocks) {
    if (b.signer) out.insert(out.end(), b.signer->begin(), b.signer->end());
    put_varint(out, b.payload.size());
    out.insert(out.end(), b.payload.begin(), b.payload.end());
    out.insert(out.end(), b.signature.begin(), b.signature.end());
  }
  out.insert(out.end(), l.tail.begin(), l.tail.end());
  return out;
}

std::uint32_t crc32(const Bytes& data) {
  // Bitwise CRC-32/ISO-HDLC: reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF.
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t byte : data) {
    c ^= byte;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

std::string text_of(const Bytes& binary, const std::string& prefix) {
  init();
  Bytes raw = binary;
  const std::uint32_t c = crc32(binary);
  for (int s = 24; s >= 0; s -= 8) raw.push_back(static_cast<std::uint8_t>(c >> s));
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return prefix + out;
}

std::string hex(const std::uint8_t* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

Bytes payload(const mxscope::Caveats& c, const std::optional<std::string>& user_id,
              const std::optional<std::string>& device_id, const std::vector<std::pair<std::uint8_t, Bytes>>& extra) {
  std::vector<std::pair<std::uint8_t, Bytes>> fields = extra;
  auto text = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  if (user_id) fields.emplace_back(0x01, text(*user_id));
  if (device_id) fields.emplace_back(0x02, text(*device_id));
  if (c.actions) {
    Bytes v;
    put_varint(v, c.actions->bits());
    fields.emplace_back(0x03, v);
  }
  if (c.rooms) {
    Bytes v;
    for (const auto& r : *c.rooms) {
      put_varint(v, r.size());
      v.insert(v.end(), r.begin(), r.end());
    }
    fields.emplace_back(0x04, v);
  }
  if (c.events) {
    auto sorted = *c.events;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      if (a.action != b.action) return a.action < b.action;
      if (a.type != b.type) return a.type < b.type;
      if (a.key.has_value() != b.key.has_value()) return !a.key.has_value();
      return a.key.value_or("") < b.key.value_or("");
    });
    Bytes v;
    for (const auto& e : sorted) {
      v.push_back(static_cast<std::uint8_t>(e.action));
      v.push_back(e.key ? 1 : 0);
      put_name(v, e.type);
      if (e.key) put_name(v, *e.key);
    }
    fields.emplace_back(0x05, v);
  }
  if (c.not_before) {
    Bytes v;
    put_varint(v, static_cast<std::uint64_t>(*c.not_before));
    fields.emplace_back(0x06, v);
  }
  if (c.not_after) {
    Bytes v;
    put_varint(v, static_cast<std::uint64_t>(*c.not_after));
    fields.emplace_back(0x07, v);
  }
  if (c.name) fields.emplace_back(0x08, text(*c.name));
  std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Bytes out;
  for (const auto& [tag, value] : fields) {
    out.push_back(tag);
    put_varint(out, value.size());
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

Bytes block_message(std::size_t index, const std::array<std::uint8_t, 4>& key_id, const Bytes& prev,
                    const Bytes& payload, const Key& next_key) {
  const std::string_view context = "mxscope-block-v1";
  Bytes m(context.begin(), context.end());
  m.push_back(1);
  m.push_back(static_cast<std::uint8_t>(index));
  if (index == 0) m.insert(m.end(), key_id.begin(), key_id.end());
  else m.insert(m.end(), prev.begin(), prev.end());
  put_varint(m, payload.size());
  m.insert(m.end(), payload.begin(), payload.end());
  m.insert(m.end(), next_key.begin(), next_key.end());
  return m;
}

Key public_of(const Key& seed) {
  init();
  Key pk;
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk.data(), sk, seed.data());
  sodium_memzero(sk, sizeof sk);
  return pk;
}

Sig sign(const Key& seed, const Bytes& message) {
  init();
  Key pk;
  std::uint8_t sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk.data(), sk, seed.data());
  Sig sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

std::array<std::uint8_t, 4> key_id_of(const Key& public_key) {
  init();
  std::uint8_t h[16];
  crypto_generichash(h, sizeof h, public_key.data(), public_key.size(), nullptr, 0);
  return {h[0], h[1], h[2], h[3]};
}

Bytes mint(const Key& issuer_seed, const Bytes& payload, const Key& next_seed) {
  Layout l;
  l.key_id = key_id_of(public_of(issuer_seed));
  Block b;
  b.payload = payload;
  b.signature = sign(issuer_seed, block_message(0, l.key_id, {}, payload, public_of(next_seed)));
  l.blocks.push_back(b);
  l.tail.assign(next_seed.begin(), next_seed.end());
  return join(l);
}

Bytes append(const Bytes& token, const Bytes& payload, const Key& next_seed) {
  Layout l = split(token);
  if (l.sealed || l.tail.size() != 32) throw std::runtime_error("spec::append: token is sealed");
  Key proof;
  std::copy(l.tail.begin(), l.tail.end(), proof.begin());
  Block b;
  b.signer = public_of(proof);
  b.payload = payload;
  const Bytes prev(l.blocks.back().signature.begin(), l.blocks.back().signature.end());
  b.signature = sign(proof, block_message(l.blocks.size(), l.key_id, prev, payload, public_of(next_seed)));
  l.blocks.push_back(b);
  l.tail.assign(next_seed.begin(), next_seed.end());
  return join(l);
}

Bytes seal(const Bytes& token) {
  Layout l = split(token);
  Key proof;
  std::copy(l.tail.begin(), l.tail.end(), proof.begin());
  const std::string_view context("mxscope-seal-v1\0", 16);
  Bytes m(context.begin(), context.end());
  m.insert(m.end(), l.blocks.back().signature.begin(), l.blocks.back().signature.end());
  const Key final_key = public_of(proof);
  const Sig s = sign(proof, m);
  l.sealed = true;
  l.tail.assign(final_key.begin(), final_key.end());
  l.tail.insert(l.tail.end(), s.begin(), s.end());
  return join(l);
}

Key seed(std::uint8_t fill) {
  Key k;
  k.fill(fill);
  return k;
}

}  // namespace spec
