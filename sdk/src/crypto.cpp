#include "crypto.hpp"

#include <sodium.h>

#include <cstring>
#include <mutex>
#include <optional>

#include "mxscope/error.hpp"
#include "mxscope/testing.hpp"

namespace mxscope::detail {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw Error(Errc::invalid_argument, "libsodium failed to initialise");
  });
}

namespace {
// The deterministic stream for test vectors: BLAKE2b-512(seed || counter), consumed in order.
struct TestStream {
  std::array<std::uint8_t, 32> seed{};
  std::uint64_t counter = 0;
  std::array<std::uint8_t, 64> block{};
  std::size_t used = 64;
};
thread_local std::optional<TestStream> test_stream;
}  // namespace

void random_bytes(std::uint8_t* out, std::size_t size) {
  ensure_sodium();
  if (!test_stream) {
    randombytes_buf(out, size);
    return;
  }
  TestStream& s = *test_stream;
  for (std::size_t i = 0; i < size; ++i) {
    if (s.used == s.block.size()) {
      std::uint8_t input[40];
      std::memcpy(input, s.seed.data(), 32);
      for (int b = 0; b < 8; ++b) input[32 + b] = static_cast<std::uint8_t>(s.counter >> (8 * b));
      crypto_generichash(s.block.data(), s.block.size(), input, sizeof input, nullptr, 0);
      ++s.counter;
      s.used = 0;
    }
    out[i] = s.block[s.used++];
  }
}

namespace {
// Deriving a public key from a seed is a fixed-base scalar multiplication, the single most costly
// step of minting and attenuating. The same seeds come back again and again (the issuer key for
// every mint; a token's proof seed each time that token is attenuated or sealed), so each thread
// remembers the last few derivations. The cache holds a keyed BLAKE2b hash of each seed, never the
// seed, and the public key (which is public); a hit rebuilds libsodium's secret key as seed || pk,
// exactly what crypto_sign_seed_keypair would have produced.
struct SeedCache {
  static constexpr std::size_t size = 16;
  struct Entry {
    std::array<std::uint8_t, 32> seed_hash{};
    PublicKeyBytes pk{};
    bool used = false;
  };
  std::array<Entry, size> entries{};
  std::size_t next = 0;
};
thread_local SeedCache seed_cache;

std::array<std::uint8_t, 32> seed_hash_of(const std::uint8_t* seed) {
  static constexpr std::uint8_t context[] = "mxscope keypair cache v1";
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), seed, 32, context, sizeof context - 1);
  return h;
}
}  // namespace

KeyPair keypair_from_seed(const std::uint8_t* seed) {
  ensure_sodium();
  KeyPair kp;
  const auto h = seed_hash_of(seed);
  for (const auto& e : seed_cache.entries) {
    if (e.used && sodium_memcmp(e.seed_hash.data(), h.data(), h.size()) == 0) {
      kp.pk = e.pk;
      std::memcpy(kp.sk.data(), seed, 32);
      std::memcpy(kp.sk.data() + 32, e.pk.data(), e.pk.size());
      return kp;
    }
  }
  crypto_sign_seed_keypair(kp.pk.data(), kp.sk.data(), seed);
  auto& slot = seed_cache.entries[seed_cache.next];
  seed_cache.next = (seed_cache.next + 1) % SeedCache::size;
  slot.seed_hash = h;
  slot.pk = kp.pk;
  slot.used = true;
  return kp;
}

Signature sign(const SecretBytes& sk, const Bytes& message) {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.data());
  return sig;
}

bool verify(const PublicKeyBytes& pk, const Signature& sig, const Bytes& message) {
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), pk.data()) == 0;
}

void blake2b(std::uint8_t* out, std::size_t out_size, const std::uint8_t* in, std::size_t in_size) {
  ensure_sodium();
  crypto_generichash(out, out_size, in, in_size, nullptr, 0);
}

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  // CRC-32/ISO-HDLC (the zlib/PNG one), table built once.
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string base64url_encode(const std::uint8_t* data, std::size_t size) {
  ensure_sodium();
  const std::size_t cap = sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(cap, '\0');
  sodium_bin2base64(out.data(), cap, data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool base64url_decode(std::string_view text, Bytes& out) {
  ensure_sodium();
  // A base64 length of 1 mod 4 can never be produced by an encoder.
  if (text.size() % 4 == 1) return false;
  // libsodium 1.0.18 decodes every byte >= 0x80 as '_' instead of refusing it, which would give
  // one token many texts. Only the URL-safe alphabet is accepted (found by tests/fuzz).
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  out.assign(text.size() * 3 / 4 + 3, 0);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out.resize(len);
  return true;
}

std::string hex_encode(const std::uint8_t* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  return out;
}

bool hex_decode(std::string_view text, std::uint8_t* out, std::size_t size) {
  if (text.size() != size * 2) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < size; ++i) {
    int hi = nib(text[2 * i]), lo = nib(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace mxscope::detail

namespace mxscope::testing {

DeterministicRandom::DeterministicRandom(std::string_view seed) {
  detail::TestStream s;
  detail::blake2b(s.seed.data(), s.seed.size(), reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size());
  detail::test_stream = s;
}

DeterministicRandom::~DeterministicRandom() { detail::test_stream.reset(); }

}  // namespace mxscope::testing
