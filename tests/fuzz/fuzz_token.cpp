// libFuzzer target: hostile bytes into every parser and, when parsing succeeds, into the
// verifier, inspection, authorisation, description and attenuation.
//
// The same input is tried as the binary form (Token::from_bytes), as the text form
// (Token::parse), as an HTTP request line for map_endpoint, as widget capabilities, as a
// revocation list and as key texts. Only mxscope::Error may escape any of them; every other
// exception, crash, sanitizer report or broken invariant (FUZZ_CHECK) aborts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"

namespace {

using namespace mxscope;
using fuzz::bug;
using fuzz::guarded;

// A cache that lives across inputs, as it would in a server.
VerifiedChainCache& cache() {
  static VerifiedChainCache c(64);
  return c;
}

void check_attenuate(const Token& t, const Scope& claimed, std::optional<Errc> verified_error) {
  // A sealed token refuses every attenuation.
  if (t.sealed()) {
    const auto e = guarded([&] { t.attenuate(Caveats{}); });
    FUZZ_CHECK(e == Errc::token_sealed);
    return;
  }
  // An empty block narrows nothing: the child allows exactly what the parent allows (minus
  // root-only powers), and it verifies whenever the parent does.
  std::optional<Token> child;
  const auto e = guarded([&] { child = t.attenuate(Caveats{}); });
  if (e) {
    FUZZ_CHECK(*e == Errc::too_large, std::string(code_name(*e)));
    return;
  }
  FUZZ_CHECK(child->block_count() == t.block_count() + 1);
  const auto parent_ids = t.revocation_ids(), child_ids = child->revocation_ids();
  FUZZ_CHECK(std::equal(parent_ids.begin(), parent_ids.end(), child_ids.begin()), "revocation ids must extend the parent's");
  const Scope child_scope = child->claimed_scope();
  fuzz::check_narrower(child_scope, claimed);
  FUZZ_CHECK(Token::parse(child->to_text()).to_bytes() == child->to_bytes());
  const auto child_verify = guarded([&] { child->verify(fuzz::trusted(), fuzz::verify_options()); });
  if (!verified_error) FUZZ_CHECK(!child_verify, std::string(code_name(*child_verify)));

  // Restating the parent's whole scope is never "too broad".
  Caveats same;
  same.actions = claimed.actions - ActionSet{Action::account};
  same.rooms = claimed.rooms;
  same.events = claimed.events;
  same.not_before = claimed.not_before;
  same.not_after = claimed.not_after;
  const auto r = guarded([&] { t.attenuate(same); });
  if (r) FUZZ_CHECK(*r == Errc::invalid_argument || *r == Errc::too_large, std::string(code_name(*r)));

  // Asking for a room outside a room-restricted parent is refused.
  if (claimed.rooms) {
    Caveats wider;
    wider.rooms = std::set<std::string>{"!not-in-the-parent:fuzz.example"};
    if (!claimed.rooms->count(*wider.rooms->begin())) {
      const auto w = guarded([&] { t.attenuate(wider); });
      FUZZ_CHECK(w == Errc::scope_too_broad || w == Errc::too_large);
    }
  }
}

// Everything one can do with a parsed token.
void exercise(const Token& t) {
  const std::size_t n = t.block_count();
  FUZZ_CHECK(n >= 1 && n <= max_blocks);
  FUZZ_CHECK(!t.user_id().empty() && t.user_id()[0] == '@');
  const auto blocks = t.blocks();
  const auto ids = t.revocation_ids();
  FUZZ_CHECK(blocks.size() == n && ids.size() == n);
  for (std::size_t i = 0; i < n; ++i) FUZZ_CHECK(blocks[i].index == i && blocks[i].revocation_id == ids[i]);
  (void)t.key_id();
  (void)t.device_id();

  const Scope claimed = t.claimed_scope();
  FUZZ_CHECK(claimed.sealed == t.sealed());
  if (n > 1) FUZZ_CHECK(!claimed.full_account && !claimed.actions.contains(Action::account));
  fuzz::check_describe(claimed, fuzz::now);

  // Verify, uncached and through the shared cache (twice: miss then hit). Same outcome each way.
  std::optional<VerifiedToken> verified;
  const auto ve = guarded([&] { verified = t.verify(fuzz::trusted(), fuzz::verify_options()); });
  if (ve) FUZZ_CHECK(fuzz::verify_error(*ve), std::string(code_name(*ve)));
  const std::string text = t.to_text();
  for (int round = 0; round < 2; ++round) {
    std::optional<VerifiedToken> via_cache;
    const auto ce = guarded([&] { via_cache = cache().verify_text(text, fuzz::trusted(), fuzz::verify_options()); });
    FUZZ_CHECK(ce == ve, "cached and uncached verification disagree");
    if (via_cache) fuzz::check_same_decisions(via_cache->scope(), verified->scope());
  }
  if (verified) {
    fuzz::check_same_decisions(verified->scope(), claimed);
    FUZZ_CHECK(verified->user_id() == t.user_id());
    for (const Request& r : fuzz::requests_for(verified->scope())) {
      const Decision d = authorize(*verified, r);
      FUZZ_CHECK(d.allowed == (d.reason == Reason::allowed));
      FUZZ_CHECK(!d.message.empty());
      FUZZ_CHECK(!reason_name(d.reason).empty());
    }
  } else {
    // Unverified tokens are still inspected and displayed; authorise their claimed scope.
    for (const Request& r : fuzz::requests_for(claimed)) (void)authorize(claimed, r);
  }
  (void)scope_to_capabilities(claimed);

  check_attenuate(t, claimed, ve);
  if (!t.sealed()) {
    std::optional<Token> sealed;
    const auto se = guarded([&] { sealed = t.seal(); });
    if (se) FUZZ_CHECK(*se == Errc::too_large);
    else {
      FUZZ_CHECK(sealed->sealed() && sealed->block_count() == n);
      FUZZ_CHECK(Token::parse(sealed->to_text()).to_bytes() == sealed->to_bytes());
      const auto sve = guarded([&] { sealed->verify(fuzz::trusted(), fuzz::verify_options()); });
      FUZZ_CHECK(sve == ve, "sealing changed the verification outcome");
    }
  }
}

std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty() && out.size() < 64) {
    const std::size_t nl = s.find('\n');
    out.emplace_back(s.substr(0, nl));
    s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
  }
  return out;
}

void fuzz_matrix(std::string_view text) {
  // "METHOD path" or just a path tried with every method.
  std::vector<std::pair<std::string_view, std::string_view>> calls;
  const std::size_t sp = text.find(' ');
  if (sp != std::string_view::npos) calls.emplace_back(text.substr(0, sp), text.substr(sp + 1));
  for (std::string_view m : {"GET", "PUT", "POST", "DELETE"}) calls.emplace_back(m, text);
  static const Scope root = Scope::unrestricted();
  static const Scope narrow = [] {
    Scope s = Scope::unrestricted();
    Caveats c;
    c.actions = ActionSet{Action::send_message, Action::read_timeline, Action::read_state, Action::upload_media};
    c.rooms = std::set<std::string>{"!room:example.org"};
    s.full_account = false;
    s.narrow(c);
    return s;
  }();
  for (const auto& call : calls) {
    EndpointMatch m;
    FUZZ_CHECK(!guarded([&] { m = map_endpoint(call.first, call.second); }), "map_endpoint threw");
    if (m.kind != EndpointMatch::Kind::request) continue;
    if (m.needs_msgtype) m.request.key = "m.text";
    (void)authorize(root, m.request);
    const Decision d = authorize(narrow, m.request);
    if (action_info(m.request.action).root_only) FUZZ_CHECK(!d.allowed, "a root-only endpoint was allowed to a subtoken");
  }

  (void)guarded([&] { (void)parse_capability(text); });
  const std::vector<std::string> caps = lines_of(text);
  (void)guarded([&] {
    const RequestedScope req = capabilities_to_scope(caps, "!room:example.org");
    fuzz::check_describe(req.scope, fuzz::now);
    (void)scope_to_capabilities(req.scope);
    // A host never approves a capability that the scope it was granted does not allow.
    const std::vector<std::string> ok = allowed_capabilities(caps, narrow, "!room:example.org");
    for (const auto& c : ok) {
      const CapabilityInfo info = parse_capability(c);
      FUZZ_CHECK(info.kind != CapabilityInfo::Kind::unknown, "an unknown capability was approved: " + c);
      if (info.kind == CapabilityInfo::Kind::grant)
        FUZZ_CHECK(narrow.actions.contains(info.action), "approved a capability outside the scope: " + c);
    }
  });
}

void fuzz_other_parsers(std::string_view text) {
  std::optional<RevocationSet> set;
  (void)guarded([&] { set = RevocationSet::from_text(text); });
  if (set) {
    const RevocationSet again = RevocationSet::from_text(set->to_text());
    FUZZ_CHECK(again.ids() == set->ids(), "revocation list does not round-trip");
  }
  (void)guarded([&] { (void)RevocationId::from_hex(text); });
  std::optional<PublicKey> pk;
  (void)guarded([&] { pk = PublicKey::from_text(text); });
  if (pk) FUZZ_CHECK(PublicKey::from_text(pk->to_text()) == *pk);
  (void)guarded([&] { (void)IssuerKey::from_text(text); });
  if (const auto a = action_from_name(text)) FUZZ_CHECK(action_name(*a) == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Binary form. Parsing keeps the exact bytes, so the text and binary forms round-trip.
  std::optional<Token> binary;
  const auto be = guarded([&] { binary = Token::from_bytes(data, size); });
  if (be) FUZZ_CHECK(fuzz::parse_error(*be), std::string(code_name(*be)));
  if (binary) {
    FUZZ_CHECK(binary->to_bytes() == std::vector<std::uint8_t>(data, data + size), "to_bytes differs from the input");
    FUZZ_CHECK(Token::parse(binary->to_text()).to_bytes() == binary->to_bytes(), "text round trip changed the bytes");
    exercise(*binary);
  }

  // Text form: a successful parse means the text is the canonical text of those bytes.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<Token> parsed;
  const auto te = guarded([&] { parsed = Token::parse(text); });
  if (te) FUZZ_CHECK(fuzz::parse_error(*te), std::string(code_name(*te)));
  if (parsed) {
    FUZZ_CHECK(parsed->to_text() == text, "to_text differs from the text that parsed");
    FUZZ_CHECK(Token::from_bytes(parsed->to_bytes()).to_text() == text);
    exercise(*parsed);
  }

  if (size <= 4096) {
    fuzz_matrix(text);
    fuzz_other_parsers(text);
  }
  return 0;
}
