#include "http_common.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace mxgw::http {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string query_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else out += s[i];
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

Sent send_all(int fd, std::string_view head, std::string_view body) {
  std::size_t off = 0;
  const std::size_t total = head.size() + body.size();
  while (off < total) {
    iovec iov[2];
    int n = 0;
    if (off < head.size()) iov[n++] = {const_cast<char*>(head.data()) + off, head.size() - off};
    const std::size_t boff = off > head.size() ? off - head.size() : 0;
    if (boff < body.size()) iov[n++] = {const_cast<char*>(body.data()) + boff, body.size() - boff};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(n);
    const ssize_t w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Sent::timeout;
    if (w <= 0) return Sent::error;
    off += static_cast<std::size_t>(w);
  }
  return Sent::ok;
}

}  // namespace mxgw::http
