// The subcommands. Each returns the exit status or throws Failure; messages never contain tokens
// or passwords (the SDK's messages never contain token text either).
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>

#include "cli.hpp"

namespace mxcli {

namespace {

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string read_fd(int fd, const std::string& what) {
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Failure(exit_local, "file_error", "cannot read " + what + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > 1024 * 1024) throw Failure(exit_usage, "too_large", what + " is larger than 1 MiB");
  }
  return text;
}

std::string read_stdin(const std::string& what) { return read_fd(0, what); }

void no_positional(const Args& a) {
  if (!a.positional.empty())
    usage_error("unexpected argument '" + a.positional.front() + "' (see: mxscope " + a.command + " --help)");
}

void print_json(const json& j) { std::cout << j.dump(2) << "\n"; }

// ---------------------------------------------------------------------------------------------
// Where the gateway and the token come from

struct Env {
  explicit Env(const Args& args) : a(args) {}
  const Args& a;
  std::optional<Login> login;
  bool login_loaded = false;

  const std::optional<Login>& stored() {
    if (!login_loaded) {
      login = load_login();
      login_loaded = true;
    }
    return login;
  }

  // --gateway, then MXSCOPE_GATEWAY, then the stored login's gateway.
  std::optional<Gateway> gateway() {
    if (const auto g = a.get("gateway")) return Gateway(*g);
    if (const char* e = std::getenv("MXSCOPE_GATEWAY"); e && *e) return Gateway(e);
    if (stored()) return Gateway(stored()->gateway);
    return std::nullopt;
  }
  Gateway need_gateway() {
    if (auto g = gateway()) return *g;
    usage_error("no gateway: pass --gateway URL, set MXSCOPE_GATEWAY, or run: mxscope login --gateway URL");
  }
};

struct Credential {
  std::string text;
  std::string source;  // for messages: "MXSCOPE_TOKEN", "--token-file /x", "the stored login", ...
  bool from_login = false;
};

// The token a command acts with: `-` (when allowed), --token-file, MXSCOPE_TOKEN, the stored login.
std::optional<Credential> find_credential(Env& env, bool stdin_dash) {
  if (stdin_dash) {
    const std::string t = trim(read_stdin("standard input"));
    if (t.empty()) throw Failure(exit_token, "no_token", "no token on standard input");
    return Credential{t, "standard input"};
  }
  if (const auto f = env.a.get("token-file")) {
    int fd = *f == "-" ? 0 : ::open(f->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Failure(exit_local, "file_error", "cannot read the token file " + *f + ": " + std::strerror(errno));
    struct stat st {};
    if (fd != 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
      std::cerr << "mxscope: warning: the token file " << *f << " is readable by other users; run: chmod 600 " << *f << "\n";
    std::string t;
    try {
      t = trim(read_fd(fd, "the token file " + *f));
    } catch (...) {
      if (fd != 0) ::close(fd);
      throw;
    }
    if (fd != 0) ::close(fd);
    if (t.empty()) throw Failure(exit_token, "no_token", "the token file " + *f + " is empty");
    return Credential{t, "the token file " + *f};
  }
  if (const char* e = std::getenv("MXSCOPE_TOKEN"); e && *e) return Credential{trim(e), "MXSCOPE_TOKEN"};
  if (env.stored()) return Credential{env.stored()->token, "the stored login", true};
  return std::nullopt;
}

Credential need_credential(Env& env, bool stdin_dash) {
  if (auto c = find_credential(env, stdin_dash)) return *c;
  throw Failure(exit_token, "no_token",
                "no token: set MXSCOPE_TOKEN, pass --token-file FILE, or log in first (mxscope login)");
}

mxscope::Token parse_token(const std::string& text, const std::string& source) {
  try {
    return mxscope::Token::parse(text);
  } catch (const mxscope::Error& e) {
    throw Failure(exit_token, std::string(mxscope::code_name(e.code())),
                  "the token from " + source + " is not a valid mxscope token: " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Rooms

// A room id as given, or an alias resolved through the gateway's room directory (which the
// gateway forwards to the homeserver without credentials).
std::string resolve_room(Env& env, const std::string& room) {
  if (room.starts_with("!")) {
    if (room.size() < 4 || room.find(':') == std::string::npos || room.find_first_of(" \t\r\n") != std::string::npos)
      usage_error("--room: '" + room + "' is not a room id (expected !opaque:server)");
    return room;
  }
  if (!room.starts_with("#"))
    usage_error("--room: expected a room id (!...:server) or an alias (#...:server), got '" + room + "'");
  if (room.find(':') == std::string::npos) usage_error("--room: the alias '" + room + "' needs a server part (#name:server)");
  const auto gw = env.gateway();
  if (!gw) usage_error("--room " + room + ": resolving an alias needs a gateway (--gateway URL, MXSCOPE_GATEWAY or mxscope login)");
  const Response r = gw->request("GET", "/_matrix/client/v3/directory/room/" + path_segment(room), nullptr);
  if (r.status == 200 && r.body.is_object() && r.body.contains("room_id") && r.body["room_id"].is_string())
    return r.body["room_id"].get<std::string>();
  if (r.status == 404) throw Failure(exit_usage, "unknown_room", "--room: the alias " + room + " does not exist");
  fail_from(r, "cannot resolve " + room, *gw);
}

// Display names of `rooms`, read with `token` (ids stay ids where that fails).
std::map<std::string, std::string> room_names(const Gateway& gw, const std::string& token,
                                              const std::optional<std::set<std::string>>& rooms) {
  std::map<std::string, std::string> names;
  if (!rooms) return names;
  for (const auto& id : *rooms) {
    try {
      const std::string base = "/_matrix/client/v3/rooms/" + path_segment(id) + "/state/";
      Response r = gw.request("GET", base + "m.room.name", &token);
      if (r.status == 200 && r.body.is_object() && r.body.contains("name") && r.body["name"].is_string() &&
          !r.body["name"].get<std::string>().empty()) {
        names[id] = r.body["name"].get<std::string>();
        continue;
      }
      r = gw.request("GET", base + "m.room.canonical_alias", &token);
      if (r.status == 200 && r.body.is_object() && r.body.contains("alias") && r.body["alias"].is_string())
        names[id] = r.body["alias"].get<std::string>();
    } catch (const Failure&) {
      break;  // unreachable gateway: ids it is
    }
  }
  return names;
}

// The sentences for a token's claimed scope, with room names when a gateway is configured and
// --offline is not given. `lookup` is the token used to read the names.
std::vector<mxscope::Sentence> describe_token(Env& env, const mxscope::Token& t, const std::string* lookup) {
  mxscope::DescribeOptions o;
  o.now = now_s();
  const auto scope = t.claimed_scope();
  if (!env.a.has("offline") && lookup && scope.rooms && !scope.rooms->empty()) {
    try {
      if (const auto gw = env.gateway()) o.room_names = room_names(*gw, *lookup, scope.rooms);
    } catch (const Failure&) {
    }
  }
  return mxscope::describe(scope, o);
}

// The token that reads room names for a description: the caller's own credential, else the
// described token itself.
std::optional<std::string> lookup_token(Env& env, const std::string& described) {
  try {
    if (const auto c = find_credential(env, false)) return c->text;
  } catch (const Failure&) {
  }
  return described;
}

// ---------------------------------------------------------------------------------------------
// Passwords

std::string prompt_tty(const std::string& prompt, bool secret) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return {};
  termios old {};
  const bool have = ::tcgetattr(fd, &old) == 0;
  if (secret && have) {  // echo off before the prompt appears: nothing typed after it is shown
    termios t = old;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &t);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (secret && have) {
    ::tcsetattr(fd, TCSAFLUSH, &old);
    (void)!::write(fd, "\n", 1);
  }
  ::close(fd);
  return line;
}

void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

std::string random_txn() {
  std::random_device rd;
  std::ostringstream o;
  o << "mxscope-" << std::hex << std::setfill('0') << std::setw(8) << rd() << std::setw(8) << rd();
  return o.str();
}

std::string short_id(const std::string& id) { return id.substr(0, 12); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// login / logout / whoami

int cmd_login(const Args& a) {
  Env env(a);
  no_positional(a);
  std::optional<Login> previous;
  try {
    previous = env.stored();
  } catch (const Failure&) {
  }
  std::string url;
  if (const auto g = a.get("gateway")) url = *g;
  else if (const char* e = std::getenv("MXSCOPE_GATEWAY"); e && *e) url = e;
  else if (previous) url = previous->gateway;
  else usage_error("which gateway? pass --gateway URL or set MXSCOPE_GATEWAY");
  const Gateway gw(url);

  // Only a gateway issues mxscope root tokens; a plain homeserver would hand out its real token.
  // Checked first, so that nobody types a password for a URL that cannot work.
  const Response keys = gw.request("GET", "/_mxscope/v1/keys", nullptr);
  if (keys.status != 200 || !keys.body.is_object() || !keys.body.contains("keys"))
    throw Failure(exit_network, "not_a_gateway",
                  gw.url() + " is not an mxscope gateway (GET /_mxscope/v1/keys answered " + std::to_string(keys.status) + ")");

  std::string user = a.get("user").value_or("");
  if (user.empty() && !a.has("password-stdin") && ::isatty(0)) user = trim(prompt_tty("Matrix user: ", false));
  if (user.empty()) usage_error("--user USER is required");
  json body = {{"type", "m.login.password"},
               {"identifier", {{"type", "m.id.user"}, {"user", user}}},
               {"password", ""},
               {"initial_device_display_name", a.get("device-name").value_or("mxscope CLI")}};
  std::string& password = body["password"].get_ref<std::string&>();
  struct Wipe {
    std::string& s;
    ~Wipe() { wipe(s); }
  } wipe_password{password};
  if (a.has("password-stdin")) {
    password = read_stdin("the password on standard input");
    if (const auto nl = password.find('\n'); nl != std::string::npos) password.resize(nl);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    if (!::isatty(0)) usage_error("no terminal to ask for the password: pass it on standard input with --password-stdin");
    password = prompt_tty("Password for " + user + ": ", true);
  }
  if (password.empty()) usage_error("empty password");
  const Response r = gw.request("POST", "/_matrix/client/v3/login", nullptr, &body);
  if (r.status == 403 || (r.status == 400 && r.body.is_object() && r.body.value("errcode", "") == "M_FORBIDDEN"))
    throw Failure(exit_refused, "login_refused",
                  "login refused: " + (r.body.is_object() ? r.body.value("error", "forbidden") : std::string("forbidden")));
  if (r.status != 200) fail_from(r, "cannot log in", gw);
  Login l;
  l.gateway = gw.url();
  l.token = r.body.is_object() ? r.body.value("access_token", "") : "";
  l.user_id = r.body.is_object() ? r.body.value("user_id", "") : "";
  l.device_id = r.body.is_object() ? r.body.value("device_id", "") : "";
  l.created = now_s();
  if (!l.token.starts_with(mxscope::token_prefix))
    throw Failure(exit_network, "not_a_gateway", gw.url() + " did not answer with an mxscope root token");
  save_login(l);
  if (previous && previous->token != l.token)
    std::cerr << "mxscope: note: replaced the stored login of " << previous->user_id
              << "; that login is still active on the gateway (end it with its tokens: mxscope token revoke)\n";
  if (a.json()) {
    print_json({{"user_id", l.user_id}, {"device_id", l.device_id}, {"gateway", l.gateway}, {"config_file", login_path()}});
  } else {
    std::cout << "Logged in as " << l.user_id << " (device " << l.device_id << ") through " << l.gateway << ".\n"
              << "The root token is stored in " << login_path() << " (readable only by you).\n";
  }
  return exit_ok;
}

int cmd_logout(const Args& a) {
  Env env(a);
  no_positional(a);
  const auto& login = env.stored();
  if (!login) {
    if (a.json()) print_json({{"logged_out", false}, {"reason", "not_logged_in"}});
    else std::cout << "Not logged in.\n";
    return exit_ok;
  }
  if (a.has("local")) {
    remove_login();
    if (a.json()) print_json({{"logged_out", true}, {"user_id", login->user_id}, {"local_only", true}});
    else std::cout << "Forgot the stored login of " << login->user_id
                   << ". The gateway was not told: the login and its tokens stay valid.\n";
    return exit_ok;
  }
  const Gateway gw(a.get("gateway").value_or(login->gateway));
  Response r;
  try {
    r = gw.request("POST", "/_matrix/client/v3/logout", &login->token);
  } catch (const Failure& f) {
    throw Failure(f.status, f.code, std::string(f.what()) + " (to forget the login without telling the gateway: mxscope logout --local)");
  }
  bool already = false;
  if (r.status == 401) already = true;
  else if (r.status != 200) fail_from(r, "cannot log out", gw);
  remove_login();
  if (a.json()) {
    print_json({{"logged_out", true}, {"user_id", login->user_id}, {"already_ended", already}});
  } else if (already) {
    std::cout << "The login of " << login->user_id << " had already ended; forgot it.\n";
  } else {
    std::cout << "Logged out " << login->user_id << ": the login and every token made from it are revoked.\n";
  }
  return exit_ok;
}

int cmd_whoami(const Args& a) {
  Env env(a);
  no_positional(a);
  const Credential cred = need_credential(env, false);
  parse_token(cred.text, cred.source);
  const Gateway gw = env.need_gateway();
  const Response r = gw.request("GET", "/_mxscope/v1/whoami", &cred.text);
  if (r.status != 200 || !r.body.is_object()) fail_from(r, "whoami", gw);
  if (a.json()) {
    print_json(r.body);
    return exit_ok;
  }
  const json& b = r.body;
  std::cout << "user        " << b.value("user_id", "") << "\n";
  if (b.contains("device_id") && b["device_id"].is_string()) std::cout << "device      " << b["device_id"].get<std::string>() << "\n";
  std::cout << "token id    " << b.value("token_id", "") << (b.value("root", false) ? "  (the login's root token)" : "") << "\n";
  if (b.contains("name") && b["name"].is_string()) std::cout << "name        " << b["name"].get<std::string>() << "\n";
  std::cout << "token from  " << cred.source << "\n";
  if (b.contains("describe") && b["describe"].is_array()) {
    std::cout << "It can:\n";
    for (const auto& s : b["describe"]) std::cout << "  - " << s.value("text", "") << "\n";
  }
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// token mint / inspect / describe

int cmd_token_mint(const Args& a) {
  Env env(a);
  bool dash = false;
  for (const auto& p : a.positional) {
    if (p == "-" && !dash) dash = true;
    else usage_error("unexpected argument '" + p + "' (the parent token comes from '-' (standard input), --token-file, MXSCOPE_TOKEN or the stored login)");
  }
  if (a.has("qr") && a.json()) usage_error("--qr and --json cannot be used together");
  if (dash && a.has("token-file")) usage_error("give the parent token either as '-' or with --token-file, not both");
  std::int64_t ttl = 0;  // 0: no expiry
  if (const auto t = a.get("ttl")) ttl = parse_ttl(*t);
  if (const auto n = a.get("name"); n && (n->empty() || n->size() > 255)) usage_error("--name: 1 to 255 bytes");

  const Credential cred = need_credential(env, dash);
  const mxscope::Token parent = parse_token(cred.text, cred.source);
  const mxscope::Scope parent_scope = parent.claimed_scope();

  mxscope::Caveats c;
  if (a.has("allow")) {
    const AllowResult allow = parse_allow(a.all("allow"), parent_scope);
    c.actions = allow.actions;
    c.events = allow.events;
  } else if (parent_scope.full_account) {
    usage_error("say what the new token may do with --allow (for example --allow read,send-text); "
                "a copy of the full-account root is never minted");
  }
  if (a.has("room")) {
    std::set<std::string> rooms;
    for (const auto& r : a.all("room")) rooms.insert(resolve_room(env, r));
    c.rooms = std::move(rooms);
  }
  const std::int64_t now = now_s();
  if (ttl > 0) c.not_after = now + ttl;
  if (const auto n = a.get("name")) c.name = *n;
  if (!a.has("allow") && !a.has("room") && ttl == 0 && !c.name && !a.has("seal"))
    usage_error("nothing to restrict: give --allow, --room, --ttl, --name or --seal");

  mxscope::Token child = parent;
  try {
    child = parent.attenuate(c);
    if (a.has("seal")) child = child.seal();
  } catch (const mxscope::Error& e) {
    const std::string code(mxscope::code_name(e.code()));
    if (e.code() == mxscope::Errc::invalid_argument) usage_error(std::string("cannot mint: ") + e.what());
    if (e.code() == mxscope::Errc::token_sealed)
      throw Failure(exit_refused, code, "cannot mint: the parent token is sealed: no token can be made from it");
    throw Failure(exit_refused, code, std::string("cannot mint: ") + e.what());
  }
  const auto ids = child.revocation_ids();
  const std::string text = child.to_text();
  if (a.json()) {
    const std::string* lookup = &cred.text;  // the parent reads the names: the new token stays unused
    print_json({{"token", text},
                {"token_id", ids.back().to_hex()},
                {"parent_id", ids[ids.size() - 2].to_hex()},
                {"family_id", ids.front().to_hex()},
                {"scope", scope_json(child.claimed_scope())},
                {"describe", describe_json(describe_token(env, child, lookup))}});
    return exit_ok;
  }
  if (a.has("qr") || a.has("qr-invert")) std::cout << qr_text(text, a.has("qr-invert")) << std::flush;
  else std::cout << text << "\n" << std::flush;
  if (::isatty(2)) {
    std::cerr << "The new token (id " << short_id(ids.back().to_hex()) << ") can:\n";
    for (const auto& s : describe_token(env, child, &cred.text)) std::cerr << "  - " << s.text << "\n";
  }
  return exit_ok;
}

namespace {

// The token a read-only command looks at: the positional TOKEN or '-', else the credential.
Credential subject(Env& env, const Args& a) {
  if (a.positional.size() > 1) usage_error("expected at most one token (see: mxscope " + a.command + " --help)");
  if (a.positional.size() == 1) {
    if (a.positional[0] == "-") return *find_credential(env, true);
    return Credential{trim(a.positional[0]), "the command line"};
  }
  return need_credential(env, false);
}

std::string caveat_lines(const mxscope::Caveats& c, std::int64_t now) {
  std::vector<std::string> parts;
  if (c.actions) {
    std::string s = "actions: ";
    bool first = true;
    for (const auto& info : mxscope::action_table())
      if (c.actions->contains(info.action)) {
        s += (first ? "" : ", ") + std::string(info.name);
        first = false;
      }
    if (first) s += "(none)";
    parts.push_back(s);
  }
  if (c.rooms) {
    std::string s = "rooms: ";
    bool first = true;
    for (const auto& r : *c.rooms) {
      s += (first ? "" : ", ") + r;
      first = false;
    }
    if (first) s += "(none)";
    parts.push_back(s);
  }
  if (c.events) {
    std::string s = "events: ";
    bool first = true;
    for (const auto& p : *c.events) {
      s += (first ? "" : ", ") + std::string(mxscope::action_name(p.action)) + " " + p.type + (p.key ? " " + *p.key : "");
      first = false;
    }
    parts.push_back(s);
  }
  if (c.not_before) parts.push_back("not before: " + utc_time(*c.not_before) + " (" + relative_time(*c.not_before, now) + ")");
  if (c.not_after) parts.push_back("expires: " + utc_time(*c.not_after) + " (" + relative_time(*c.not_after, now) + ")");
  if (c.name) parts.push_back("name: " + *c.name);
  if (parts.empty()) return "no restrictions\n";
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(16, ' ') : "") + parts[i] + "\n";
  return out;
}

}  // namespace

int cmd_token_inspect(const Args& a) {
  Env env(a);
  const Credential cred = subject(env, a);
  const mxscope::Token t = parse_token(cred.text, cred.source);
  const auto scope = t.claimed_scope();
  const auto ids = t.revocation_ids();
  const std::int64_t now = now_s();

  std::string time_status = "valid";
  if (scope.not_after && *scope.not_after < now) time_status = "expired";
  else if (scope.not_before && *scope.not_before > now) time_status = "not_yet_valid";

  // The signature, against the gateway's published keys (no credentials needed, no side effect).
  std::string signature = "not_checked";
  std::optional<Gateway> gw;
  if (!a.has("offline")) gw = env.gateway();
  if (gw) {
    try {
      const Response r = gw->request("GET", "/_mxscope/v1/keys", nullptr);
      if (r.status == 200 && r.body.is_object() && r.body.contains("keys") && r.body["keys"].is_array()) {
        mxscope::TrustedKeys keys;
        for (const auto& k : r.body["keys"])
          if (k.is_object() && k.contains("public_key") && k["public_key"].is_string()) {
            try {
              keys.add(mxscope::PublicKey::from_text(k["public_key"].get<std::string>()));
            } catch (const mxscope::Error&) {
            }
          }
        // Time is reported above; check the signatures at a moment inside the token's window.
        std::int64_t at = now;
        if (scope.not_after && at > *scope.not_after) at = *scope.not_after;
        if (scope.not_before && at < *scope.not_before) at = *scope.not_before;
        try {
          t.verify(keys, mxscope::VerifyOptions{.now = at});
          signature = "verified";
        } catch (const mxscope::Error& e) {
          signature = std::string(mxscope::code_name(e.code()));
        }
      }
    } catch (const Failure&) {
      signature = "not_checked";
    }
  }
  std::optional<std::string> accepted;
  if (a.has("check")) {
    const Gateway g = env.need_gateway();
    const Response r = g.request("GET", "/_mxscope/v1/whoami", &cred.text);
    if (r.status != 200) fail_from(r, "the gateway does not accept the token", g);
    accepted = "accepted";
  }
  const auto lookup = lookup_token(env, cred.text);
  const auto lines = describe_token(env, t, lookup ? &*lookup : nullptr);
  const auto blocks = t.blocks();

  if (a.json()) {
    json bl = json::array();
    for (const auto& b : blocks) {
      json unknown = json::array();
      for (auto tag : b.unknown_tags) unknown.push_back(tag);
      bl.push_back({{"index", b.index}, {"revocation_id", b.revocation_id.to_hex()}, {"caveats", caveats_json(b.caveats)},
                    {"unknown_tags", unknown}});
    }
    json status = {{"time", time_status}, {"signature", signature}};
    if (accepted) status["gateway"] = *accepted;
    const auto& key = t.key_id();
    char key_hex[9];
    std::snprintf(key_hex, sizeof key_hex, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
    print_json({{"user_id", t.user_id()},
                {"device_id", t.device_id() ? json(*t.device_id()) : json(nullptr)},
                {"key_id", key_hex},
                {"token_id", ids.back().to_hex()},
                {"parent_id", ids.size() > 1 ? json(ids[ids.size() - 2].to_hex()) : json(nullptr)},
                {"family_id", ids.front().to_hex()},
                {"sealed", t.sealed()},
                {"block_count", t.block_count()},
                {"blocks", bl},
                {"scope", scope_json(scope)},
                {"describe", describe_json(lines)},
                {"status", status}});
    return exit_ok;
  }
  const auto& key = t.key_id();
  char key_hex[9];
  std::snprintf(key_hex, sizeof key_hex, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
  std::cout << "user          " << t.user_id() << "\n";
  if (t.device_id()) std::cout << "device        " << *t.device_id() << "\n";
  std::cout << "token id      " << ids.back().to_hex() << "\n";
  if (ids.size() > 1) std::cout << "parent id     " << ids[ids.size() - 2].to_hex() << "\n";
  std::cout << "family id     " << ids.front().to_hex() << "  (the login)\n";
  std::cout << "issuer key    " << key_hex << "\n";
  std::cout << "sealed        " << (t.sealed() ? "yes: no token can be made from it" : "no") << "\n";
  std::string ts = time_status == "valid"
                       ? (scope.not_after ? "valid until " + utc_time(*scope.not_after) : std::string("valid, never expires"))
                   : time_status == "expired" ? "EXPIRED " + relative_time(*scope.not_after, now)
                                              : "not valid before " + utc_time(*scope.not_before);
  std::cout << "time          " << ts << "\n";
  std::cout << "signature     "
            << (signature == "verified" ? "verified with the gateway's key"
                : signature == "not_checked" ? "not checked (no gateway configured, or --offline)"
                : signature == "unknown_key" ? "NOT issued by this gateway (unknown_key)"
                                             : "INVALID (" + signature + ")")
            << "\n";
  if (accepted) std::cout << "gateway       accepts it (not revoked)\n";
  for (const auto& b : blocks) {
    std::string head = "block " + std::to_string(b.index) + (b.index == 0 ? " (root)" : "");
    head.resize(std::max<std::size_t>(head.size() + 1, 16), ' ');
    std::cout << head << caveat_lines(b.caveats, now);
  }
  std::cout << "It can:\n";
  for (const auto& s : lines) std::cout << "  - " << s.text << "\n";
  return exit_ok;
}

int cmd_token_describe(const Args& a) {
  Env env(a);
  const Credential cred = subject(env, a);
  const mxscope::Token t = parse_token(cred.text, cred.source);
  const auto lookup = lookup_token(env, cred.text);
  const auto lines = describe_token(env, t, lookup ? &*lookup : nullptr);
  if (a.json()) {
    print_json({{"token_id", t.revocation_ids().back().to_hex()}, {"describe", describe_json(lines)}});
    return exit_ok;
  }
  for (const auto& s : lines) std::cout << s.text << "\n";
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// token list / revoke

namespace {

json fetch_tokens(Env& env, const Credential& cred, const Gateway& gw) {
  const Response r = gw.request("GET", "/_mxscope/v1/tokens", &cred.text);
  if (r.status != 200 || !r.body.is_object() || !r.body.contains("tokens") || !r.body["tokens"].is_array())
    fail_from(r, "cannot list the tokens", gw);
  (void)env;
  return r.body;
}

std::string status_of(const json& t, std::int64_t now) {
  if (t.value("revoked", false)) return "revoked";
  if (t.contains("scope") && t["scope"].is_object() && t["scope"].contains("not_after") &&
      t["scope"]["not_after"].is_number_integer() && t["scope"]["not_after"].get<std::int64_t>() < now)
    return "expired";
  return "active";
}

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.resize(n, ' ');
  return s;
}

}  // namespace

int cmd_token_list(const Args& a) {
  Env env(a);
  no_positional(a);
  const Credential cred = need_credential(env, false);
  parse_token(cred.text, cred.source);
  const Gateway gw = env.need_gateway();
  const json body = fetch_tokens(env, cred, gw);
  if (a.json()) {
    print_json(body);
    return exit_ok;
  }
  const auto& tokens = body["tokens"];
  if (tokens.empty()) {
    std::cout << "No tokens of this login have been used with the gateway yet.\n"
                 "(A token is listed once it has been used; minting alone happens offline.)\n";
    return exit_ok;
  }
  const std::int64_t now = now_s();
  std::cout << pad("TOKEN ID", 14) << pad("NAME", 22) << pad("USES", 7) << pad("LAST USED", 25) << "STATUS\n";
  for (const auto& t : tokens) {
    const int depth = t.value("depth", 0);
    std::string name = t.contains("name") && t["name"].is_string() ? t["name"].get<std::string>()
                                                                   : (depth == 0 ? "(root)" : "-");
    name = std::string(static_cast<std::size_t>(std::min(depth, 6)) * 2, ' ') + name;
    const std::int64_t last_ms = t.value("last_used", std::int64_t{0});
    const std::string last = last_ms > 0 ? utc_time(last_ms / 1000) : "never";
    std::cout << pad(short_id(t.value("token_id", "")), 14) << pad(name, 21) << " " << pad(std::to_string(t.value("uses", 0)), 7)
              << pad(last, 25) << status_of(t, now) << "\n";
    if (a.has("long") && t.contains("describe") && t["describe"].is_array())
      for (const auto& s : t["describe"]) std::cout << "              - " << s.value("text", "") << "\n";
  }
  return exit_ok;
}

int cmd_token_revoke(const Args& a) {
  Env env(a);
  if (a.positional.size() != 1)
    usage_error("name one token to revoke: its id (or the first characters of it, from mxscope token list), "
                "'-' for a token on standard input, or the token itself");
  const std::string target = trim(a.positional[0]);
  const Gateway gw = env.need_gateway();
  json body = json::object();
  Credential caller;
  std::optional<std::string> target_text;
  if (target == "-" || target.starts_with(mxscope::token_prefix)) {
    target_text = target == "-" ? find_credential(env, true)->text : target;
    const mxscope::Token t = parse_token(*target_text, target == "-" ? "standard input" : "the command line");
    (void)t;
    auto c = find_credential(env, false);
    caller = c ? *c : Credential{*target_text, "the token itself"};
    if (caller.text != *target_text) body["token"] = *target_text;  // else: the token revokes itself
  } else {
    bool hex = !target.empty();
    for (char ch : target) hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
    if (!hex) usage_error("'" + target + "' is neither a token id (lowercase hex), '-' nor a token (mxs1_...)");
    caller = need_credential(env, false);
    parse_token(caller.text, caller.source);
    std::string id = target;
    if (id.size() < 32) {
      if (id.size() < 6) usage_error("a token id prefix needs at least 6 characters");
      std::vector<std::string> matches;
      const json listed = fetch_tokens(env, caller, gw);
      for (const auto& t : listed["tokens"]) {
        const std::string tid = t.value("token_id", "");
        if (tid.starts_with(id)) matches.push_back(tid);
      }
      if (matches.empty())
        throw Failure(exit_usage, "unknown_token_id", "no token of this login has an id starting with " + id + " (see: mxscope token list)");
      if (matches.size() > 1) usage_error("the prefix " + id + " matches " + std::to_string(matches.size()) + " tokens; give more characters");
      id = matches.front();
    } else if (id.size() > 32) {
      usage_error("a token id has 32 hex characters");
    }
    body["token_id"] = id;
  }
  Response r = gw.request("POST", "/_mxscope/v1/revoke", &caller.text, &body);
  if (r.status == 403 && target_text && caller.text != *target_text) {
    // Not made from the current token (another login): whoever holds a token may still revoke it.
    const json self = json::object();
    r = gw.request("POST", "/_mxscope/v1/revoke", &*target_text, &self);
  }
  if (r.status == 404)
    throw Failure(exit_usage, "unknown_token_id",
                  "cannot revoke: " + (r.body.is_object() ? r.body.value("error", "no such token") : std::string("no such token")));
  if (r.status == 400 && target_text)
    throw Failure(exit_token, "invalid_token",
                  "cannot revoke: " + (r.body.is_object() ? r.body.value("error", "bad token") : std::string("bad token")));
  if (r.status != 200 || !r.body.is_object()) fail_from(r, "cannot revoke", gw);
  const std::string revoked = r.body.value("revoked", "");
  const bool ended = r.body.value("ended_login", false);
  bool forgot = false;
  if (ended) {
    try {
      if (const auto& l = env.stored()) {
        const mxscope::Token lt = mxscope::Token::parse(l->token);
        if (lt.revocation_ids().front().to_hex() == revoked) forgot = remove_login();
      }
    } catch (const std::exception&) {
    }
  }
  if (a.json()) {
    json out = r.body;
    out["forgot_stored_login"] = forgot;
    print_json(out);
    return exit_ok;
  }
  std::cout << "Revoked token " << revoked << " and every token made from it.\n";
  if (ended) std::cout << "It was the login's root token: the login has ended" << (forgot ? " (and the stored login was forgotten)" : "") << ".\n";
  return exit_ok;
}

// ---------------------------------------------------------------------------------------------
// send

int cmd_send(const Args& a) {
  Env env(a);
  const auto room_arg = a.get("room");
  if (!room_arg) usage_error("--room ROOM is required (a room id !...:server or an alias #...:server)");
  std::string message;
  if (a.positional.empty() || (a.positional.size() == 1 && a.positional[0] == "-")) {
    if (a.positional.empty() && ::isatty(0)) usage_error("no message: give it as arguments, or on standard input");
    message = read_stdin("the message on standard input");
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  } else {
    for (std::size_t i = 0; i < a.positional.size(); ++i) message += (i ? " " : "") + a.positional[i];
  }
  if (trim(message).empty()) usage_error("the message is empty");
  if (a.has("notice") && a.has("emote")) usage_error("--notice and --emote cannot be used together");

  const Credential cred = need_credential(env, false);
  parse_token(cred.text, cred.source);  // a damaged token fails here, before any network
  const Gateway gw = env.need_gateway();
  const std::string room = resolve_room(env, *room_arg);
  const std::string msgtype = a.has("notice") ? "m.notice" : a.has("emote") ? "m.emote" : "m.text";
  const json body = {{"msgtype", msgtype}, {"body", message}};
  const Response r = gw.request("PUT",
                                "/_matrix/client/v3/rooms/" + path_segment(room) + "/send/m.room.message/" + random_txn(),
                                &cred.text, &body);
  if (r.status != 200 || !r.body.is_object() || !r.body.contains("event_id"))
    fail_from(r, "cannot send the message to " + *room_arg, gw);
  const std::string event_id = r.body["event_id"].get<std::string>();
  if (a.json()) print_json({{"room_id", room}, {"event_id", event_id}});
  else if (::isatty(1)) std::cout << event_id << "\n";
  return exit_ok;
}

}  // namespace mxcli
