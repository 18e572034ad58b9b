#include "config.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "mxscope/version.hpp"

namespace mxgw {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

long long to_int(const std::string& key, const std::string& value, long long lo, long long hi) {
  long long v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size() || v < lo || v > hi)
    throw ConfigError(key + ": expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got '" +
                      value + "'");
  return v;
}

bool to_bool(const std::string& key, const std::string& value) {
  if (value == "true" || value == "yes" || value == "on" || value == "1") return true;
  if (value == "false" || value == "no" || value == "off" || value == "0") return false;
  throw ConfigError(key + ": expected true or false, got '" + value + "'");
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\'')))
    return v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

void apply_setting(Config& c, const std::string& raw_key, const std::string& raw_value) {
  std::string key = raw_key;
  for (char& ch : key)
    if (ch == '-') ch = '_';
  const std::string value = unquote(trim(raw_value));
  if (key == "homeserver") {
    if (!value.starts_with("http://") && !value.starts_with("https://"))
      throw ConfigError("homeserver: expected an http:// or https:// URL");
    c.homeserver = value;
    while (!c.homeserver.empty() && c.homeserver.back() == '/') c.homeserver.pop_back();
  } else if (key == "listen") {
    const auto colon = value.rfind(':');
    if (colon == std::string::npos) throw ConfigError("listen: expected HOST:PORT");
    std::string host = value.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    c.listen_host = host.empty() ? "0.0.0.0" : host;
    c.listen_port = static_cast<int>(to_int(key, value.substr(colon + 1), 0, 65535));
  } else if (key == "store") {
    c.store = value;
  } else if (key == "issuer_key_file" || key == "issuer_key") {
    c.issuer_key_file = value;
  } else if (key == "secret_key_file" || key == "secret_key") {
    c.secret_key_file = value;
  } else if (key == "trusted_key" || key == "trusted_keys") {
    std::stringstream ss(value);
    std::string k;
    while (ss >> k) c.trusted_keys.push_back(k);
  } else if (key == "public_url") {
    c.public_url = value;
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  } else if (key == "max_body_bytes") {
    c.max_body_bytes = static_cast<std::size_t>(to_int(key, value, 1024, 1ll << 34));
  } else if (key == "threads") {
    c.threads = static_cast<int>(to_int(key, value, 2, 4096));
  } else if (key == "client_timeout") {
    c.client_timeout_s = static_cast<int>(to_int(key, value, 1, 3600));
  } else if (key == "keep_alive_timeout") {
    c.keep_alive_timeout_s = static_cast<int>(to_int(key, value, 1, 3600));
  } else if (key == "upstream_timeout") {
    c.upstream_timeout_s = static_cast<int>(to_int(key, value, 1, 3600));
  } else if (key == "upstream_connect_timeout") {
    c.upstream_connect_timeout_s = static_cast<int>(to_int(key, value, 1, 600));
  } else if (key == "store_timeout_ms") {
    c.store_timeout_ms = static_cast<int>(to_int(key, value, 10, 600000));
  } else if (key == "store_check_ms") {
    c.store_check_ms = static_cast<int>(to_int(key, value, 10, 600000));
  } else if (key == "activity_flush_ms") {
    c.activity_flush_ms = static_cast<int>(to_int(key, value, 10, 600000));
  } else if (key == "activity_retention_days") {
    c.activity_retention_days = static_cast<int>(to_int(key, value, 1, 36500));
  } else if (key == "access_log") {
    c.access_log = to_bool(key, value);
  } else if (key == "log_level") {
    if (value != "debug" && value != "info" && value != "warn" && value != "error")
      throw ConfigError("log_level: expected debug, info, warn or error");
    c.log_level = value;
  } else if (key == "create_keys") {
    c.create_keys = to_bool(key, value);
  } else {
    throw ConfigError("unknown setting '" + raw_key + "'");
  }
}

void load_config_file(Config& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read config file " + path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw ConfigError(path + ":" + std::to_string(n) + ": expected key = value");
    try {
      apply_setting(config, trim(t.substr(0, eq)), t.substr(eq + 1));
    } catch (const ConfigError& e) {
      throw ConfigError(path + ":" + std::to_string(n) + ": " + e.what());
    }
  }
}

std::string usage() {
  return R"(usage: mxscope-gateway [--config FILE] [--KEY VALUE | --KEY=VALUE ...]

An mxscope gateway in front of an unmodified Matrix homeserver (docs/gateway.md).

  --config FILE                 read settings from FILE first (key = value lines); flags override it
  --homeserver URL              the homeserver to front            (default http://127.0.0.1:8008)
  --listen HOST:PORT            where to listen                    (default 127.0.0.1:8009)
  --store PATH                  SQLite store                       (default mxscope-gateway.db)
  --issuer-key-file PATH        issuer signing key, mxsk1_ text    (default issuer.key; created if missing)
  --secret-key-file PATH        secretbox key for stored tokens    (default secretbox.key; created if missing)
  --trusted-key mxpk1_...       also accept tokens of this issuer key (key rotation); repeatable
  --public-url URL              the gateway's public URL, served in /.well-known/matrix/client
  --max-body-bytes N            largest request body               (default 104857600)
  --threads N                   worker threads                     (default 64)
  --client-timeout S            read/write timeout to clients      (default 10)
  --keep-alive-timeout S        idle client connection lifetime    (default 5)
  --upstream-timeout S          read timeout to the homeserver     (default 60; /sync adds its timeout)
  --upstream-connect-timeout S  connect timeout to the homeserver  (default 5)
  --store-timeout-ms N          store answer deadline; beyond it requests fail with 503 (default 1000)
  --store-check-ms N            store health / revocation poll interval (default 250)
  --activity-flush-ms N         usage and activity log write interval   (default 200)
  --activity-retention-days N   activity log retention             (default 30)
  --access-log true|false       one log line per request           (default true)
  --log-level debug|info|warn|error                                (default info)
  --create-keys true|false      create missing key files           (default true)
  --help, --version
)";
}

bool parse_args(Config& config, int argc, char** argv, int& exit_code) {
  std::vector<std::pair<std::string, std::string>> settings;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage();
      exit_code = 0;
      return false;
    }
    if (arg == "--version") {
      std::cout << "mxscope-gateway " << mxscope::version() << "\n";
      exit_code = 0;
      return false;
    }
    if (!arg.starts_with("--")) throw ConfigError("unexpected argument '" + arg + "' (see --help)");
    arg = arg.substr(2);
    std::string key, value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else {
      if (i + 1 >= argc) throw ConfigError("--" + arg + " needs a value");
      key = arg;
      value = argv[++i];
    }
    if (key == "config") config_file = value;
    else settings.emplace_back(key, value);
  }
  if (!config_file.empty()) load_config_file(config, config_file);
  for (const auto& [k, v] : settings) apply_setting(config, k, v);
  return true;
}

}  // namespace mxgw
