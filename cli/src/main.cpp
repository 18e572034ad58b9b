// mxscope: scoped Matrix tokens from the command line (docs/cli.md).
#include <iostream>

#include "cli.hpp"

namespace mxcli {
namespace {

const char* const main_help = R"(usage: mxscope [--gateway URL] [--json] COMMAND [ARGS...]

Scoped, attenuable, revocable Matrix tokens from the command line: log in through an mxscope
gateway once, then hand your scripts tokens that can do only what they need.

Commands:
  login            log in through a gateway and store the root token
  logout           end the stored login (revokes every token made from it)
  whoami           show whom the current token acts for and what it may do
  token mint       make a narrower token (rooms, actions, lifetime, name, seal)
  token inspect    show what a token contains and whether it is valid
  token describe   say in plain language what a token allows
  token list       list the login's tokens with their last use
  token revoke     revoke a token and every token made from it
  send             send a message to a room (for cron jobs and scripts)
  help [COMMAND]   show the help of a command (also: mxscope COMMAND --help)

Options for every command:
  --gateway URL      the gateway (default: $MXSCOPE_GATEWAY, else the one of the stored login)
  --token-file FILE  read the token from FILE ('-': standard input)
  --json             machine-readable output on stdout (and errors as JSON on stderr)
  -h, --help         show help
  --version          show the version (mxscope --version)

Where the token comes from (first found): --token-file FILE, $MXSCOPE_TOKEN, the stored login
($XDG_CONFIG_HOME/mxscope/login.json, default ~/.config/mxscope/login.json, mode 0600).

Exit status:
  0  success
  1  usage error: bad arguments, unknown command or option, unknown room alias or token id
  2  refused: the gateway or homeserver denied the request, or the token cannot be widened
  3  token problem: no token, or it is malformed, expired, not yet valid, revoked, or its login ended
  4  network or gateway error: unreachable, timed out, or an error answer from the server
  5  local file error: the config directory or a token file cannot be read or written

Environment: MXSCOPE_GATEWAY, MXSCOPE_TOKEN, MXSCOPE_TIMEOUT (seconds, default 30),
XDG_CONFIG_HOME. Errors go to stderr; they never contain tokens or passwords.

Example (a backup job that may only post text in one room, for a week):
  mxscope login --gateway https://gateway.example.org --user alice
  mxscope token mint --room '#backups:example.org' --allow send-text --ttl 7d --name backup --seal > ~/.backup-token
  mxscope send --token-file ~/.backup-token --room '#backups:example.org' 'backup done'

See docs/cli.md for more.
)";

const char* const login_help = R"(usage: mxscope login [--gateway URL] [--user USER] [--password-stdin] [--device-name NAME]

Logs in through an mxscope gateway with a Matrix user name and password, and stores the root
token the gateway issues in $XDG_CONFIG_HOME/mxscope/login.json (default ~/.config/mxscope;
directory 0700, file 0600). The homeserver's own access token never leaves the gateway.
Without --user or --password-stdin, asks on the terminal (the password is not echoed).

Options:
  --gateway URL       the gateway (default: $MXSCOPE_GATEWAY, else the stored login's)
  -u, --user USER     Matrix user: a local part (alice) or a full id (@alice:example.org)
  --password-stdin    read the password from the first line of standard input
  --device-name NAME  the device's display name on the homeserver (default "mxscope CLI")
  --json              print {user_id, device_id, gateway, config_file}

Exit status: 0 logged in, 1 usage, 2 wrong user or password, 4 gateway unreachable or not a
gateway, 5 the config directory cannot be written.

Example:
  printf '%s\n' "$PASSWORD" | mxscope login --gateway http://127.0.0.1:8009 --user alice --password-stdin
)";

const char* const logout_help = R"(usage: mxscope logout [--local]

Ends the stored login at the gateway (the homeserver session is logged out and the login's root
token and every token made from it are revoked), then deletes the stored login.

Options:
  --local   only delete the stored login; do not tell the gateway (its tokens keep working)
  --json    print {logged_out, user_id, already_ended}

Exit status: 0 logged out (or not logged in), 4 gateway unreachable (the stored login is kept),
5 the stored login cannot be removed.
)";

const char* const whoami_help = R"(usage: mxscope whoami [--token-file FILE]

Asks the gateway whom the current token (--token-file, $MXSCOPE_TOKEN or the stored login) acts
for and prints its id, name and what it may do.

Options:
  --json   print the gateway's answer (user_id, device_id, token_id, family_id, scope, describe)

Exit status: 0 ok, 3 the token is invalid, expired or revoked, 4 gateway error.
)";

const char* const token_help = R"(usage: mxscope token COMMAND [ARGS...]

Commands:
  mint       make a narrower token from the current one
  inspect    show what a token contains and whether it is valid
  describe   say in plain language what a token allows
  list       list the login's tokens with their last use (from the gateway)
  revoke     revoke a token and every token made from it (through the gateway)

Run mxscope token COMMAND --help for details.
)";

const char* const mint_help_head = R"(usage: mxscope token mint [-] [--room ROOM]... --allow ACTIONS [--ttl DURATION] [--name NAME]
                          [--seal] [--qr | --qr-invert] [--json]

Makes a new token from the current one (the parent), offline with the SDK: the new token can
never do more than its parent. The parent is read from '-' (standard input), --token-file,
$MXSCOPE_TOKEN or the stored login, in that order. Prints the token on stdout (treat it like a
password); on a terminal, also says on stderr what it allows.

Options:
  --room ROOM         only this room: a room id (!abc:example.org) or an alias (#name:example.org,
                      resolved to its id through the gateway). Repeat for several rooms.
  --allow ACTIONS     only these actions: a comma-separated list of shortcuts and SDK action
                      names (see below). Required when the parent is the full-account root.
  --ttl DURATION      expires after DURATION: 90s, 30m, 1h, 7d, 2w, or combined like 1h30m
  --name NAME         a label shown in the gateway's token list and on the messages it sends
  --seal              no further token can be made from the new one
  --qr                print a QR code (UTF-8 half blocks, for dark terminals) instead of the text
  --qr-invert         the same for terminals with a light background
  --json              print {token, token_id, parent_id, family_id, scope, describe}

)";

const char* const mint_help_tail = R"(
Exit status: 0 minted, 1 usage (unknown action, bad duration, unknown alias), 2 refused (asks for
more than the parent allows, or the parent is sealed), 3 no parent token or a malformed one,
4 gateway error while resolving an alias.

Examples:
  mxscope token mint --room '#backups:example.org' --allow send-text --ttl 7d --name backup --seal
  mxscope token mint --room '!abc:example.org' --allow read --ttl 1h --qr
  mxscope token mint - --allow read --ttl 10m < parent-token     # narrow a token you were given
)";

const char* const inspect_help = R"(usage: mxscope token inspect [TOKEN | -] [--check] [--offline] [--json]

Shows what a token contains: its user and device, its ids (token, parent, family = the login),
the issuer key, every block's restrictions, whether it is sealed, whether it has expired, and
what it allows in plain language. Without TOKEN, inspects the current token (--token-file,
$MXSCOPE_TOKEN or the stored login); '-' reads it from standard input. (A token given on the
command line is visible to other local users in the process list: prefer '-'.)

When a gateway is configured, the signatures are checked against its published keys and room
names are shown instead of room ids.

Options:
  --check     also ask the gateway whether it accepts the token now (not revoked, login alive);
              exit 3 if not
  --offline   do not contact the gateway
  --json      print {user_id, device_id, key_id, token_id, parent_id, family_id, sealed,
              block_count, blocks, scope, describe, status}

Exit status: 0 ok, 1 usage, 3 malformed token (or, with --check, rejected), 4 gateway error (--check).
)";

const char* const describe_help = R"(usage: mxscope token describe [TOKEN | -] [--offline] [--json]

Says in plain language what a token allows, one sentence per line: the same sentences as the
SDK's describe() (and a consent prompt). Room names are fetched through the gateway when one is
configured; otherwise, or with --offline, rooms are shown by id. Without TOKEN, describes the
current token; '-' reads it from standard input.

Options:
  --offline   do not contact the gateway (rooms by id)
  --json      print {token_id, describe: [{kind, risk, text}]}

Exit status: 0 ok, 1 usage, 3 malformed token.
)";

const char* const list_help = R"(usage: mxscope token list [-l | --long] [--json]

Lists the tokens of the current token's login that the gateway has seen (the current token and
the tokens made from it): id, name, number of uses, last use and status (active, expired,
revoked). A token appears once it has been used with the gateway: minting happens offline.

Options:
  -l, --long  also print what each token allows
  --json      print the gateway's answer ({family_id, tokens: [...]}, times in milliseconds)

Exit status: 0 ok, 3 the token is invalid, expired or revoked, 4 gateway error.
)";

const char* const revoke_help = R"(usage: mxscope token revoke (ID | ID-PREFIX | - | TOKEN) [--json]

Revokes a token and every token made from it, at once, through the gateway. The target is a
token id as shown by `mxscope token list` (32 hex characters, or at least the first 6), '-' for
a token on standard input, or the token text itself. The request is made with the current token
(--token-file, $MXSCOPE_TOKEN or the stored login), which may revoke only itself and the tokens
made from it; a token given as text ('-' or TOKEN) can always be revoked by its holder, even
without a login. Revoking the login's root token ends the login (and forgets the stored login).

Options:
  --json   print {revoked, family_id, ended_login, forgot_stored_login}

Exit status: 0 revoked, 1 usage or unknown token id, 2 refused (not made from the current token),
3 no token, or the current or target token is invalid, 4 gateway error.

Examples:
  mxscope token list
  mxscope token revoke 3fa2b1c0d9e8
  mxscope token revoke - < ~/.backup-token
)";

const char* const send_help = R"(usage: mxscope send --room ROOM [--notice | --emote] [--token-file FILE] [MESSAGE... | -]

Sends a text message to a room through the gateway, with the token from --token-file,
$MXSCOPE_TOKEN or the stored login. The message is the arguments joined by spaces, or standard
input with '-' (or with no arguments when standard input is not a terminal). Silent on success
unless stdout is a terminal (then it prints the event id), so a cron job mails only failures.

Options:
  --room ROOM   a room id (!abc:example.org) or an alias (#name:example.org)
  --notice      send an m.notice (what bots usually send) instead of m.text
  --emote       send an m.emote ("/me ...")
  --json        print {room_id, event_id}

Exit status: 0 sent, 1 usage, 2 refused (the token may not post here, or the user is not in the
room), 3 no token, or it is malformed, expired, revoked, or its login ended, 4 gateway error or
unreachable, 5 the token file cannot be read.

Example (crontab line):
  0 3 * * * MXSCOPE_GATEWAY=https://gateway.example.org /usr/local/bin/backup && mxscope send --token-file ~/.backup-token --room '!abc:example.org' 'backup done'
)";

struct Command {
  std::string name;
  std::vector<OptSpec> options;
  int (*run)(const Args&);
  std::string help;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> c{
      {"login", {{"user", 'u', true}, {"password-stdin", 0, false}, {"device-name", 0, true}}, cmd_login, login_help},
      {"logout", {{"local", 0, false}}, cmd_logout, logout_help},
      {"whoami", {}, cmd_whoami, whoami_help},
      {"token mint",
       {{"room", 0, true}, {"allow", 0, true}, {"ttl", 0, true}, {"name", 0, true}, {"seal", 0, false},
        {"qr", 0, false}, {"qr-invert", 0, false}},
       cmd_token_mint, std::string(mint_help_head) + allow_help() + mint_help_tail},
      {"token inspect", {{"check", 0, false}, {"offline", 0, false}}, cmd_token_inspect, inspect_help},
      {"token describe", {{"offline", 0, false}}, cmd_token_describe, describe_help},
      {"token list", {{"long", 'l', false}}, cmd_token_list, list_help},
      {"token revoke", {}, cmd_token_revoke, revoke_help},
      {"send", {{"room", 0, true}, {"notice", 0, false}, {"emote", 0, false}}, cmd_send, send_help},
  };
  return c;
}

bool wants_json(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    if (a == "--") return false;
    if (a == "--json") return true;
  }
  return false;
}

bool wants_help(const std::vector<std::string>& argv) {
  for (const auto& a : argv) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// Splits the command words off argv: global options may come before them.
std::pair<std::vector<std::string>, std::vector<std::string>> split_command(const std::vector<std::string>& argv) {
  std::vector<std::string> words, rest;
  std::size_t i = 0;
  bool done = false;
  for (; i < argv.size() && !done; ++i) {
    const std::string& a = argv[i];
    if (a == "--") break;  // stays in `rest`
    if (a == "--gateway" || a == "--token-file") {
      rest.push_back(a);
      if (i + 1 < argv.size()) rest.push_back(argv[++i]);
      continue;
    }
    if (a.starts_with("-") && a != "-") {
      rest.push_back(a);
      continue;
    }
    words.push_back(a);
    // "token" and "help" take one more word.
    if (!(words.size() == 1 && (a == "token" || a == "help"))) done = true;
  }
  rest.insert(rest.end(), argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
  return {words, rest};
}

int print_failure(const Failure& f, bool json_errors) {
  if (json_errors) std::cerr << json{{"error", f.what()}, {"code", f.code}, {"exit", f.status}}.dump() << "\n";
  else std::cerr << "mxscope: " << f.what() << "\n";
  return f.status;
}

int run(const std::vector<std::string>& argv) {
  const bool json_errors = wants_json(argv);
  try {
    if (argv.empty()) {
      std::cerr << main_help;
      return exit_usage;
    }
    if (argv.size() == 1 && argv[0] == "--version") {
      std::cout << "mxscope " << MXSCOPE_CLI_VERSION << " (SDK " << mxscope::version() << ", token format "
                << int(mxscope::token_format_version) << ")\n";
      return exit_ok;
    }
    auto [words, rest] = split_command(argv);
    if (!words.empty() && words[0] == "help") {
      words.erase(words.begin());
      for (auto it = rest.begin(); it != rest.end();) {
        if (!it->starts_with("-")) {
          words.push_back(*it);
          it = rest.erase(it);
        } else {
          ++it;
        }
      }
      rest = {"--help"};
    }
    std::string name;
    for (const auto& w : words) name += (name.empty() ? "" : " ") + w;
    if (name.empty() || name == "token") {
      const char* help = name.empty() ? main_help : token_help;
      if (wants_help(rest)) {
        std::cout << help;
        return exit_ok;
      }
      if (name.empty()) usage_error("no command given (see: mxscope --help)");
      usage_error("which token command? mint, inspect, describe, list or revoke (see: mxscope token --help)");
    }
    for (const auto& c : commands()) {
      if (c.name != name) continue;
      if (wants_help(rest)) {
        std::cout << c.help;
        return exit_ok;
      }
      const Args args = parse_args(c.name, rest, c.options);
      return c.run(args);
    }
    usage_error("unknown command '" + name + "' (see: mxscope --help)");
  } catch (const Failure& f) {
    return print_failure(f, json_errors);
  } catch (const mxscope::Error& e) {
    return print_failure(Failure(exit_token, std::string(mxscope::code_name(e.code())), e.what()), json_errors);
  } catch (const std::exception& e) {
    return print_failure(Failure(exit_network, "internal_error", std::string("internal error: ") + e.what()), json_errors);
  }
}

}  // namespace
}  // namespace mxcli

int main(int argc, char** argv) {
  mxscope::init();
  std::vector<std::string> args(argv + 1, argv + argc);
  const int status = mxcli::run(args);
  std::cout.flush();
  return status;
}
