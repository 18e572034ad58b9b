// The stored login: $XDG_CONFIG_HOME/mxscope/login.json (default ~/.config/mxscope), directory
// 0700, file 0600, written atomically. It holds the root token: treat it like a password file.
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"

namespace mxcli {

namespace {

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
  throw Failure(exit_local, "no_home", "cannot find the home directory (set HOME or XDG_CONFIG_HOME)");
}

[[noreturn]] void local_failure(const std::string& what, const std::string& path, int err) {
  throw Failure(exit_local, "file_error", what + " " + path + ": " + std::strerror(err));
}

// mkdir -p; directories it creates are 0700 (XDG Base Directory).
void make_dirs(const std::string& path) {
  std::string cur;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) local_failure("cannot create", cur, errno);
  }
}

}  // namespace

std::string config_dir() {
  // XDG Base Directory: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && x[0] == '/') return std::string(x) + "/mxscope";
  return home_dir() + "/.config/mxscope";
}

std::string login_path() { return config_dir() + "/login.json"; }

std::optional<Login> load_login() {
  const std::string path = login_path();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    local_failure("cannot read", path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077) != 0)
    std::cerr << "mxscope: warning: " << path << " is readable by other users; run: chmod 600 " << path << "\n";
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      local_failure("cannot read", path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("token") || !j["token"].is_string() ||
      !j.contains("gateway") || !j["gateway"].is_string())
    throw Failure(exit_local, "file_error", path + " is damaged; run: mxscope logout --local, then mxscope login");
  Login l;
  l.gateway = j["gateway"].get<std::string>();
  l.token = j["token"].get<std::string>();
  l.user_id = j.value("user_id", "");
  l.device_id = j.value("device_id", "");
  l.created = j.value("created", std::int64_t{0});
  return l;
}

void save_login(const Login& l) {
  const std::string dir = config_dir();
  make_dirs(dir);
  // An existing directory keeps whatever mode it had: ours must not be readable by others.
  if (::chmod(dir.c_str(), 0700) != 0) local_failure("cannot restrict", dir, errno);
  const std::string path = login_path();
  const std::string tmp = path + ".tmp";
  const json j = {{"gateway", l.gateway}, {"user_id", l.user_id}, {"device_id", l.device_id},
                  {"created", l.created}, {"token", l.token}};
  const std::string text = j.dump(2) + "\n";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) local_failure("cannot write", tmp, errno);
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      local_failure("cannot write", tmp, err);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    local_failure("cannot write", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    local_failure("cannot write", path, err);
  }
}

bool remove_login() {
  const std::string path = login_path();
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  local_failure("cannot remove", path, errno);
}

}  // namespace mxcli
