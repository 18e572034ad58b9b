// Mints, attenuates, describes and verifies a token against the installed library.
#include <mxscope/mxscope.hpp>

#include <iostream>

int main() {
  using namespace mxscope;
  const std::int64_t now = 1'800'000'000;
  IssuerKey issuer = IssuerKey::generate();
  Token root = Token::mint(issuer, {.user_id = "@bot-owner:example.org"});
  Caveats c;
  c.actions = ActionSet{Action::read_timeline};
  c.rooms = std::set<std::string>{"!ops:example.org"};
  c.not_after = now + 600;
  Token child = root.attenuate(c);
  for (const auto& s : describe(child.claimed_scope(), {.now = now, .room_names = {{"!ops:example.org", "Ops"}}}))
    std::cout << s.text << "\n";
  VerifiedToken v = Token::parse(child.to_text()).verify(TrustedKeys{issuer.public_key()}, {.now = now});
  const bool read_ok = authorize(v, {Action::read_timeline, "!ops:example.org", {}, {}}).allowed;
  const bool send_denied = !authorize(v, {Action::send_message, "!ops:example.org", "m.room.message", "m.text"}).allowed;
  std::cout << "mxscope " << version() << (read_ok && send_denied ? ": ok" : ": WRONG") << "\n";
  return read_ok && send_denied ? 0 : 1;
}
