// The native tour: mint a root token for a login, hand a backup job a subtoken that can only post
// text in one room for an hour, show what it allows, verify it, authorise, revoke.
#include <ctime>
#include <iostream>

#include "mxscope/mxscope.hpp"

int main() {
  using namespace mxscope;
  const std::int64_t now = std::time(nullptr);
  const std::string room = "!backups:example.org";

  // The issuer (a gateway, or a client in browser-only mode) holds the key; verifiers hold the public half.
  IssuerKey issuer = IssuerKey::generate();
  TrustedKeys trusted{issuer.public_key()};

  Token root = Token::mint(issuer, {.user_id = "@alice:example.org", .device_id = "LAPTOP", .caveats = {}});

  // Anyone holding `root` can do this offline.
  Caveats backup;
  backup.actions = ActionSet{Action::send_message};
  backup.rooms = std::set<std::string>{room};
  backup.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}};
  backup.not_after = now + 3600;
  backup.name = "backup-bot";
  Token bot = root.attenuate(backup).seal();

  std::cout << "root token (" << root.to_text().size() << " chars): " << root.to_text().substr(0, 12) << "...\n";
  std::cout << "bot token  (" << bot.to_text().size() << " chars): " << bot.to_text().substr(0, 12) << "...\n\n";

  // What a person reads before handing it over.
  DescribeOptions describe_options;
  describe_options.now = now;
  describe_options.room_names = {{room, "Backup alerts"}};
  std::cout << "The bot token can:\n";
  for (const Sentence& s : describe(bot.claimed_scope(), describe_options))
    std::cout << "  [" << risk_name(s.risk) << "] " << s.text << "\n";

  // The enforcement point: parse the text it was handed, verify, authorise.
  RevocationSet revoked;
  VerifyOptions options{.now = now, .revoked = &revoked};
  VerifiedToken verified = Token::parse(bot.to_text()).verify(trusted, options);
  Decision post = authorize(verified, {Action::send_message, room, "m.room.message", "m.text"});
  Decision elsewhere = authorize(verified, {Action::send_message, "!general:example.org", "m.room.message", "m.text"});
  std::cout << "\npost a text in Backup alerts: " << (post ? "allowed" : "denied") << "\n";
  std::cout << "post in another room: " << reason_name(elsewhere.reason) << " (" << elsewhere.message << ")\n";

  // Revoking the root's id kills every token made from it.
  revoked.add(root.revocation_ids().front());
  try {
    Token::parse(bot.to_text()).verify(trusted, options);
  } catch (const Error& e) {
    std::cout << "after revoking the login: " << code_name(e.code()) << " (" << e.what() << ")\n";
  }
  return post && !elsewhere ? 0 : 1;
}
