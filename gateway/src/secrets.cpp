#include "secrets.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "log.hpp"
#include "mxscope/error.hpp"
#include "mxscope/mxscope.hpp"

namespace mxgw {

namespace {

bool file_exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

void warn_if_readable_by_others(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    log::warn("key file " + path + " is readable by group or others; chmod 600 it");
}

// Reads a whole small file into SecretBytes, trimming trailing whitespace.
mxscope::SecretBytes read_secret_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read key file " + path + ": " + std::strerror(errno));
  mxscope::SecretBytes buf(4096);
  std::size_t n = 0;
  while (n < buf.size()) {
    const ssize_t r = ::read(fd, buf.data() + n, buf.size() - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += static_cast<std::size_t>(r);
  }
  ::close(fd);
  while (n > 0 && (buf.data()[n - 1] == '\n' || buf.data()[n - 1] == '\r' || buf.data()[n - 1] == ' ')) --n;
  return mxscope::SecretBytes(buf.data(), n);
}

}  // namespace

void write_private_file(const std::string& path, const std::string& data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    off += static_cast<std::size_t>(w);
  }
  ::fsync(fd);
  ::close(fd);
}

mxscope::IssuerKey load_or_create_issuer_key(const std::string& path, bool create) {
  mxscope::init();
  if (!file_exists(path)) {
    if (!create) throw std::runtime_error("issuer key file " + path + " does not exist");
    mxscope::IssuerKey key = mxscope::IssuerKey::generate();
    const mxscope::SecretBytes text = key.to_text();
    std::string data(reinterpret_cast<const char*>(text.data()), text.size());
    data += "\n";
    try {
      write_private_file(path, data);
    } catch (...) {
      sodium_memzero(data.data(), data.size());
      throw;
    }
    sodium_memzero(data.data(), data.size());
    log::info("created issuer key file " + path + " (key id " + key.public_key().id_hex() + ")");
    return key;
  }
  warn_if_readable_by_others(path);
  const mxscope::SecretBytes text = read_secret_file(path);
  try {
    return mxscope::IssuerKey::from_text(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()));
  } catch (const mxscope::Error& e) {
    throw std::runtime_error("issuer key file " + path + " does not hold an mxsk1_ key (" +
                             std::string(mxscope::code_name(e.code())) + ")");
  }
}

SecretBox SecretBox::load_or_create(const std::string& path, bool create) {
  mxscope::init();
  if (!file_exists(path)) {
    if (!create) throw std::runtime_error("secret key file " + path + " does not exist");
    mxscope::SecretBytes key(crypto_secretbox_KEYBYTES);
    crypto_secretbox_keygen(key.data());
    std::string hex(crypto_secretbox_KEYBYTES * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    hex.back() = '\n';
    try {
      write_private_file(path, hex);
    } catch (...) {
      sodium_memzero(hex.data(), hex.size());
      throw;
    }
    sodium_memzero(hex.data(), hex.size());
    log::info("created secret key file " + path);
    return SecretBox(std::move(key));
  }
  warn_if_readable_by_others(path);
  const mxscope::SecretBytes text = read_secret_file(path);
  mxscope::SecretBytes key(crypto_secretbox_KEYBYTES);
  std::size_t len = 0;
  if (text.size() != crypto_secretbox_KEYBYTES * 2 ||
      sodium_hex2bin(key.data(), key.size(), reinterpret_cast<const char*>(text.data()), text.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != crypto_secretbox_KEYBYTES)
    throw std::runtime_error("secret key file " + path + " must hold 64 hex characters");
  return SecretBox(std::move(key));
}

std::vector<std::uint8_t> SecretBox::seal(const std::string& binding, const std::string& secret) const {
  std::string plain = binding;
  plain.push_back('\0');
  plain += secret;
  std::vector<std::uint8_t> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), out.data(), key_.data());
  sodium_memzero(plain.data(), plain.size());
  return out;
}

std::optional<mxscope::SecretBytes> SecretBox::open(const std::string& binding,
                                                    const std::vector<std::uint8_t>& sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  const std::size_t clen = sealed.size() - crypto_secretbox_NONCEBYTES;
  mxscope::SecretBytes plain(clen - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(plain.data(), sealed.data() + crypto_secretbox_NONCEBYTES, clen, sealed.data(),
                                 key_.data()) != 0)
    return std::nullopt;
  const std::size_t b = binding.size();
  if (plain.size() < b + 1 || std::memcmp(plain.data(), binding.data(), b) != 0 || plain.data()[b] != 0)
    return std::nullopt;
  return mxscope::SecretBytes(plain.data() + b + 1, plain.size() - b - 1);
}

}  // namespace mxgw
