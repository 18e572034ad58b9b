#include "mxscope/revocation.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto.hpp"
#include "mxscope/error.hpp"

namespace mxscope {

namespace {
constexpr std::string_view header = "# mxscope revocations v1";
}

std::strong_ordering RevocationId::operator<=>(const RevocationId& other) const noexcept {
  const int c = std::memcmp(bytes.data(), other.bytes.data(), bytes.size());
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

std::string RevocationId::to_hex() const { return detail::hex_encode(bytes.data(), bytes.size()); }

RevocationId RevocationId::from_hex(std::string_view hex) {
  RevocationId id;
  if (!detail::hex_decode(hex, id.bytes.data(), id.bytes.size()))
    throw Error(Errc::invalid_argument, "a revocation id is 32 hex characters");
  return id;
}

bool RevocationSet::add(const RevocationId& id) { return ids_.insert(id).second; }
bool RevocationSet::remove(const RevocationId& id) { return ids_.erase(id) > 0; }
bool RevocationSet::contains(const RevocationId& id) const { return ids_.count(id) > 0; }

std::string RevocationSet::to_text() const {
  std::string out(header);
  out += '\n';
  for (const auto& id : ids_) out += id.to_hex() + '\n';
  return out;
}

RevocationSet RevocationSet::from_text(std::string_view text) {
  RevocationSet set;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    RevocationId id;
    if (!detail::hex_decode(line, id.bytes.data(), id.bytes.size()))
      throw Error(Errc::invalid_argument, "revocation list line " + std::to_string(line_no) + " is not a 32-hex-character id");
    set.add(id);
  }
  return set;
}

void RevocationSet::save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << to_text();
    f.flush();
    if (!f) throw Error(Errc::io_error, "cannot write revocation list " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error(Errc::io_error, "cannot replace revocation list " + path);
  }
}

RevocationSet RevocationSet::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return RevocationSet();  // a missing file is an empty list
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(Errc::io_error, "cannot open revocation list " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw Error(Errc::io_error, "cannot read revocation list " + path);
  return from_text(ss.str());
}

}  // namespace mxscope
