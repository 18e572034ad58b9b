// mxscope CLI: declarations shared by the command-line tool's sources (docs/cli.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mxscope/mxscope.hpp"

namespace mxcli {

using nlohmann::json;

// Exit statuses (documented in docs/cli.md and `mxscope --help`). Never renumbered.
enum Exit : int {
  exit_ok = 0,
  exit_usage = 1,      // bad arguments, unknown command or option, unknown room alias or token id
  exit_refused = 2,    // the gateway or the homeserver refused (403), or the SDK refused to widen a token
  exit_token = 3,      // no token, or the token is malformed, expired, not yet valid, revoked, or its login ended
  exit_network = 4,    // the gateway cannot be reached or answered with an error (5xx, unexpected answer)
  exit_local = 5,      // a local file cannot be read or written (config directory, --token-file)
};

// A failure that ends the command: printed on stderr (as JSON with --json), then exit(status).
// `code` is a stable snake_case word for scripts ("token_expired", "room_not_allowed", ...).
// Messages never contain token text, passwords or other secrets.
struct Failure : std::runtime_error {
  Failure(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status(status), code(std::move(code)) {}
  int status;
  std::string code;
};

[[noreturn]] inline void usage_error(const std::string& message) { throw Failure(exit_usage, "usage", message); }

// ---- arguments (args.cpp) ----

struct OptSpec {
  std::string name;       // long name without dashes, e.g. "room"
  char short_name = 0;    // e.g. 'h'; 0 = none
  bool takes_value = false;
};

// Options shared by every command: --json, --gateway URL, --token-file FILE, --help.
const std::vector<OptSpec>& global_options();

struct Args {
  std::string command;                                   // "token mint", "send", ...
  std::map<std::string, std::vector<std::string>> opts;  // every occurrence, in order
  std::vector<std::string> positional;

  bool has(const std::string& name) const { return opts.count(name) != 0; }
  // The last value of an option, if given.
  std::optional<std::string> get(const std::string& name) const;
  // Every value of a repeatable option.
  std::vector<std::string> all(const std::string& name) const;
  bool json() const { return has("json"); }
};

// Parses `argv` (without the command words) against `spec` plus the global options. Throws Failure(usage).
Args parse_args(const std::string& command, const std::vector<std::string>& argv, const std::vector<OptSpec>& spec);

// ---- stored login (store.cpp) ----

struct Login {
  std::string gateway;    // base URL of the gateway
  std::string user_id;
  std::string device_id;
  std::string token;      // the root token (secret)
  std::int64_t created = 0;
};

// $XDG_CONFIG_HOME/mxscope, or ~/.config/mxscope.
std::string config_dir();
// config_dir() + "/login.json".
std::string login_path();
// The stored login, if any. Throws Failure(local) when the file exists but cannot be read.
std::optional<Login> load_login();
// Writes the login (directory 0700, file 0600, atomically). Throws Failure(local).
void save_login(const Login& login);
// Removes the stored login; returns whether there was one. Throws Failure(local).
bool remove_login();

// ---- HTTP (http.cpp) ----

struct Response {
  int status = 0;
  json body;           // parsed JSON, or null when the answer was not JSON
  std::string raw;     // the answer as received
};

// A client for one gateway base URL (http:// or https://, optional path prefix).
class Gateway {
 public:
  // Throws Failure(usage) for a URL that is not http(s)://host[:port][/prefix].
  explicit Gateway(std::string url);
  const std::string& url() const { return url_; }
  // Sends one request. `token` goes in the Authorization header. Throws Failure(network) when
  // the gateway cannot be reached; any HTTP status is returned.
  Response request(const std::string& method, const std::string& path, const std::string* token,
                   const json* body = nullptr) const;

 private:
  std::string url_, origin_, prefix_;
};

// Percent-encodes one path segment (room ids and aliases).
std::string path_segment(const std::string& s);

// Turns an error answer into a Failure with the right exit status (401 -> token, 403 -> refused,
// others -> network), prefixed with `what` ("cannot send the message").
[[noreturn]] void fail_from(const Response& r, const std::string& what, const Gateway& gw);

// ---- scope arguments (scope_args.cpp) ----

// "30m", "1h", "7d", "1h30m": seconds. Throws Failure(usage).
std::int64_t parse_ttl(const std::string& text);

// The caveats for `--allow` (comma lists, may repeat), relative to the parent's claimed scope.
struct AllowResult {
  mxscope::ActionSet actions;
  std::optional<std::vector<mxscope::EventPattern>> events;
};
AllowResult parse_allow(const std::vector<std::string>& values, const mxscope::Scope& parent);

// The help text listing the shortcuts and action names.
std::string allow_help();

// ---- output helpers (output.cpp) ----

json scope_json(const mxscope::Scope& s);
json caveats_json(const mxscope::Caveats& c);
json describe_json(const std::vector<mxscope::Sentence>& lines);
// "2025-11-25 14:02:03 UTC" from unix seconds.
std::string utc_time(std::int64_t unix_seconds);
// "in 59 minutes" / "3 minutes ago" from unix seconds.
std::string relative_time(std::int64_t at, std::int64_t now);
// A QR code of `text` drawn with UTF-8 half blocks (light modules drawn, for dark terminals;
// `invert` for light ones). Throws Failure(usage) if the text does not fit in a QR code.
std::string qr_text(const std::string& text, bool invert);

std::int64_t now_s();

// ---- commands (commands.cpp) ----

int cmd_login(const Args& a);
int cmd_logout(const Args& a);
int cmd_whoami(const Args& a);
int cmd_token_mint(const Args& a);
int cmd_token_inspect(const Args& a);
int cmd_token_describe(const Args& a);
int cmd_token_list(const Args& a);
int cmd_token_revoke(const Args& a);
int cmd_send(const Args& a);

}  // namespace mxcli
