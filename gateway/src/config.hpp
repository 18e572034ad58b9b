// Gateway configuration: a `key = value` file, overridden by command-line flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mxgw {

struct Config {
  std::string homeserver = "http://127.0.0.1:8008";  // the homeserver the gateway fronts
  std::string listen_host = "127.0.0.1";
  int listen_port = 8009;
  std::string store = "mxscope-gateway.db";            // SQLite file
  std::string issuer_key_file = "issuer.key";          // mxsk1_... (created if missing)
  std::string secret_key_file = "secretbox.key";       // 32-byte key, hex (created if missing)
  std::vector<std::string> trusted_keys;               // extra mxpk1_ keys accepted (rotation)
  std::string public_url;                              // the gateway's public base URL (for .well-known)
  std::size_t max_body_bytes = 100u * 1024 * 1024;     // largest request body accepted (413 above)
  int threads = 64;                                    // worker threads (one per open connection)
  int client_timeout_s = 10;                           // per-read/write timeout towards clients
  int keep_alive_timeout_s = 5;                        // idle keep-alive connections close after this
  int upstream_timeout_s = 60;                         // per-read timeout towards the homeserver (sync adds its own timeout)
  int upstream_connect_timeout_s = 5;
  int store_timeout_ms = 1000;                         // a store that does not answer within this is "unavailable"
  int store_check_ms = 250;                            // how often the store's health and new revocations are checked
  int activity_flush_ms = 200;                         // how often usage and the activity log are written
  int activity_retention_days = 30;
  bool access_log = true;                              // one line per request (never a token, query or body)
  std::string log_level = "info";                      // debug, info, warn, error
  bool create_keys = true;                             // create missing key files at start
};

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Applies one `key = value` setting (also used for flags: --key=value or --key value).
void apply_setting(Config& config, const std::string& key, const std::string& value);
// Reads a config file: `key = value` lines, `#` comments, blank lines. Unknown keys are errors.
void load_config_file(Config& config, const std::string& path);
// Parses argv. Returns false when the program should exit (after --help / --version) with `exit_code`.
bool parse_args(Config& config, int argc, char** argv, int& exit_code);
// The usage text.
std::string usage();

}  // namespace mxgw
