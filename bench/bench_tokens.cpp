// mxscope native benchmarks (Google Benchmark).
//
// Measures every token operation, the verifier cold and with a VerifiedChainCache at 1, 3 and 8
// blocks, and libsodium's own Ed25519 verify in the same process so the verify ratio is measured
// on the same machine at the same moment. Prints token sizes first and a summary with the
// targets from issue 2 last (lines starting with "SUMMARY" are machine-readable; bench/run.sh
// collects them across passes).
//
// Token shapes used throughout:
//   root       Token::mint with just a user id ("@alice:example.org"), no device, no caveats
//   realistic  a block with one action (send_message), one room, one msgtype pattern
//              (m.room.message#m.text), an expiry and a name ("backup-bot")
//   minimal    a block with no caveats at all (only its key, signature and chain link)
//   depth N    root + (N-1) realistic blocks, unsealed unless the name says "sealed"
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "mxscope/mxscope.hpp"

namespace {

using namespace mxscope;

constexpr std::int64_t now = 1'800'000'000;  // a fixed clock: results do not depend on the date
const std::string room = "!backups:example.org";
const std::string user = "@alice:example.org";

const IssuerKey& issuer() {
  static const IssuerKey key = [] {
    SecretBytes seed(32);
    for (std::size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return IssuerKey::from_seed(seed);
  }();
  return key;
}

const TrustedKeys& trusted() {
  static const TrustedKeys keys{issuer().public_key()};
  return keys;
}

// A verifier's revocation set with a realistic number of entries (none of them ours).
const RevocationSet& revoked() {
  static const RevocationSet set = [] {
    RevocationSet s;
    for (int i = 0; i < 1000; ++i) {
      RevocationId id;
      randombytes_buf(id.bytes.data(), id.bytes.size());
      s.add(id);
    }
    return s;
  }();
  return set;
}

VerifyOptions options(VerifiedChainCache* cache = nullptr) {
  VerifyOptions o;
  o.now = now;
  o.revoked = &revoked();
  o.cache = cache;
  return o;
}

Caveats realistic_block(int level) {
  Caveats c;
  c.actions = ActionSet{Action::send_message};
  c.rooms = std::set<std::string>{room};
  c.events = std::vector<EventPattern>{{Action::send_message, "m.room.message", "m.text"}};
  c.not_after = now + 3600 - level;  // each level may only shorten the expiry
  c.name = "backup-bot";
  return c;
}

Token root_token() { return Token::mint(issuer(), {.user_id = user, .device_id = std::nullopt, .caveats = {}}); }

// root + (depth-1) realistic blocks.
Token chain(int depth, bool sealed = false) {
  Token t = root_token();
  for (int i = 1; i < depth; ++i) t = t.attenuate(realistic_block(i));
  return sealed ? t.seal() : t;
}

// Built once per depth so every benchmark at one depth measures the same token.
const Token& cached_chain(int depth, bool sealed = false) {
  static std::map<std::pair<int, bool>, Token> tokens;
  auto it = tokens.find({depth, sealed});
  if (it == tokens.end()) it = tokens.emplace(std::make_pair(depth, sealed), chain(depth, sealed)).first;
  return it->second;
}

// "Cold" benchmarks cycle through this many distinct tokens: the SDK remembers the last 16
// seed -> public key derivations per thread (an unsealed token's last key is derived from its seed
// on every verify and attenuate), and a pool larger than that keeps every iteration a miss.
constexpr std::size_t cold_pool_size = 48;

const std::vector<Token>& cold_pool(int depth, bool sealed = false) {
  static std::map<std::pair<int, bool>, std::vector<Token>> pools;
  auto it = pools.find({depth, sealed});
  if (it == pools.end()) {
    std::vector<Token> pool;
    for (std::size_t i = 0; i < cold_pool_size; ++i) pool.push_back(chain(depth, sealed));
    it = pools.emplace(std::make_pair(depth, sealed), std::move(pool)).first;
  }
  return it->second;
}

const Request& allowed_request() {
  static const Request r{Action::send_message, room, "m.room.message", "m.text"};
  return r;
}

// ---- operations ----

void BM_mint_root(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(root_token());
}
BENCHMARK(BM_mint_root);

// A token this thread has not handled recently (its proof key is derived from the seed).
void BM_attenuate(benchmark::State& state) {
  const std::vector<Token>& roots = cold_pool(1);
  const Caveats c = realistic_block(1);
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(roots[i++ % roots.size()].attenuate(c));
}
BENCHMARK(BM_attenuate);

// The same token again and again (a client attenuating its login's root for each widget).
void BM_attenuate_known(benchmark::State& state) {
  const Token root = root_token();
  const Caveats c = realistic_block(1);
  for (auto _ : state) benchmark::DoNotOptimize(root.attenuate(c));
}
BENCHMARK(BM_attenuate_known);

void BM_seal(benchmark::State& state) {
  const Token& t = cached_chain(2);
  for (auto _ : state) benchmark::DoNotOptimize(t.seal());
}
BENCHMARK(BM_seal);

void BM_to_text(benchmark::State& state) {
  const Token& t = cached_chain(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(t.to_text());
}
BENCHMARK(BM_to_text)->Arg(1)->Arg(3)->Arg(8);

void BM_parse(benchmark::State& state) {
  const std::string text = cached_chain(static_cast<int>(state.range(0))).to_text();
  for (auto _ : state) benchmark::DoNotOptimize(Token::parse(text));
  state.counters["text_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_parse)->Arg(1)->Arg(3)->Arg(8);

// ---- verification ----

// Signatures, key, revocation and time of an already-parsed token; no cache.
void BM_verify_cold(benchmark::State& state) {
  const std::vector<Token>& pool = cold_pool(static_cast<int>(state.range(0)));
  const VerifyOptions o = options();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(pool[i++ % pool.size()].verify(trusted(), o));
}
BENCHMARK(BM_verify_cold)->Arg(1)->Arg(3)->Arg(8);

void BM_verify_cold_sealed(benchmark::State& state) {
  const std::vector<Token>& pool = cold_pool(static_cast<int>(state.range(0)), true);
  const VerifyOptions o = options();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(pool[i++ % pool.size()].verify(trusted(), o));
}
BENCHMARK(BM_verify_cold_sealed)->Arg(1)->Arg(3)->Arg(8);

// What an enforcement point does on a token it has never seen: text in, verified token out.
void BM_parse_verify_cold(benchmark::State& state) {
  std::vector<std::string> texts;
  for (const Token& t : cold_pool(static_cast<int>(state.range(0)))) texts.push_back(t.to_text());
  const VerifyOptions o = options();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(Token::parse(texts[i++ % texts.size()]).verify(trusted(), o));
}
BENCHMARK(BM_parse_verify_cold)->Arg(1)->Arg(3)->Arg(8);

// The same from text with a warm VerifiedChainCache (revocation and time still checked each call).
void BM_verify_cached(benchmark::State& state) {
  const std::string text = cached_chain(static_cast<int>(state.range(0))).to_text();
  VerifiedChainCache cache;
  const VerifyOptions o = options();
  cache.verify_text(text, trusted(), o);
  for (auto _ : state) benchmark::DoNotOptimize(cache.verify_text(text, trusted(), o));
}
BENCHMARK(BM_verify_cached)->Arg(1)->Arg(3)->Arg(8);

// Token::verify with VerifyOptions::cache (keyed by bytes) on an already-parsed token.
void BM_verify_cached_parsed(benchmark::State& state) {
  const Token& t = cached_chain(static_cast<int>(state.range(0)));
  VerifiedChainCache cache;
  const VerifyOptions o = options(&cache);
  t.verify(trusted(), o);
  for (auto _ : state) benchmark::DoNotOptimize(t.verify(trusted(), o));
}
BENCHMARK(BM_verify_cached_parsed)->Arg(3);

// ---- decisions and descriptions ----

void BM_authorize(benchmark::State& state) {
  const VerifiedToken v = cached_chain(3).verify(trusted(), options());
  for (auto _ : state) benchmark::DoNotOptimize(authorize(v, allowed_request()));
}
BENCHMARK(BM_authorize);

void BM_authorize_denied(benchmark::State& state) {
  const VerifiedToken v = cached_chain(3).verify(trusted(), options());
  const Request other{Action::send_message, std::string("!general:example.org"), std::string("m.room.message"),
                      std::string("m.text")};
  for (auto _ : state) benchmark::DoNotOptimize(authorize(v, other));
}
BENCHMARK(BM_authorize_denied);

// The per-request cost of an enforcement point that keeps a cache: text -> verified -> decision.
void BM_cached_verify_authorize(benchmark::State& state) {
  const std::string text = cached_chain(static_cast<int>(state.range(0))).to_text();
  VerifiedChainCache cache;
  const VerifyOptions o = options();
  cache.verify_text(text, trusted(), o);
  for (auto _ : state) {
    const VerifiedToken v = cache.verify_text(text, trusted(), o);
    benchmark::DoNotOptimize(authorize(v, allowed_request()));
  }
}
BENCHMARK(BM_cached_verify_authorize)->Arg(3);

void BM_describe(benchmark::State& state) {
  const Scope scope = cached_chain(3).claimed_scope();
  DescribeOptions o;
  o.now = now;
  o.room_names = {{room, "Backup alerts"}};
  for (auto _ : state) benchmark::DoNotOptimize(describe(scope, o));
}
BENCHMARK(BM_describe);

void BM_describe_root(benchmark::State& state) {
  const Scope scope = cached_chain(1).claimed_scope();
  DescribeOptions o;
  o.now = now;
  for (auto _ : state) benchmark::DoNotOptimize(describe(scope, o));
}
BENCHMARK(BM_describe_root);

// ---- libsodium baselines ----

// A message of the length a realistic block signs: context 16 + version/index 2 + previous
// signature 64 + length 1 + payload 53 + next key 32.
constexpr std::size_t block_message_bytes = 168;

void BM_ed25519_verify(benchmark::State& state) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  std::vector<unsigned char> msg(block_message_bytes, 0x5a);
  crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), sk);
  for (auto _ : state) {
    const int rc = crypto_sign_verify_detached(sig, msg.data(), msg.size(), pk);
    benchmark::DoNotOptimize(rc);
  }
}
BENCHMARK(BM_ed25519_verify);

void BM_ed25519_sign(benchmark::State& state) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  std::vector<unsigned char> msg(block_message_bytes, 0x5a);
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, msg.data(), msg.size(), sk);
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_ed25519_sign);

// An unsealed token carries the seed of its last key; the verifier derives the public half.
void BM_ed25519_seed_keypair(benchmark::State& state) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], seed[crypto_sign_SEEDBYTES] = {7};
  for (auto _ : state) {
    crypto_sign_seed_keypair(pk, sk, seed);
    benchmark::DoNotOptimize(pk);
  }
}
BENCHMARK(BM_ed25519_seed_keypair);

// ---- sizes ----

struct Sizes {
  std::size_t root, root_device, minimal_block, realistic_block, sealed_extra;
  std::size_t depth[9];
  std::size_t depth_bytes[9];
};

Sizes measure_sizes() {
  Sizes s{};
  const Token root = root_token();
  s.root = root.to_text().size();
  s.root_device = Token::mint(issuer(), {.user_id = user, .device_id = "LAPTOP", .caveats = {}}).to_text().size();
  s.minimal_block = root.attenuate(Caveats{}).to_text().size() - s.root;
  s.realistic_block = root.attenuate(realistic_block(1)).to_text().size() - s.root;
  s.sealed_extra = cached_chain(3, true).to_text().size() - cached_chain(3).to_text().size();
  for (int d : {1, 2, 3, 8}) {
    s.depth[d] = cached_chain(d).to_text().size();
    s.depth_bytes[d] = cached_chain(d).to_bytes().size();
  }
  return s;
}

// ---- reporting ----

const char* verdict(bool ok) { return ok ? "ok" : "MISSED"; }

double to_us(double value, benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond: return value / 1e3;
    case benchmark::kMicrosecond: return value;
    case benchmark::kMillisecond: return value * 1e3;
    case benchmark::kSecond: return value * 1e6;
  }
  return value;
}

// The console reporter, remembering each benchmark's CPU time (µs per iteration) for the summary.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(OutputOptions options) : ConsoleReporter(options) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        cpu_us_[r.benchmark_name()].push_back(to_us(r.GetAdjustedCPUTime(), r.time_unit));
    ConsoleReporter::ReportRuns(runs);
  }

  // Median over repetitions; negative when the benchmark did not run (filtered out).
  double us(const std::string& name) const {
    auto it = cpu_us_.find(name);
    if (it == cpu_us_.end() || it->second.empty()) return -1;
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }

 private:
  std::map<std::string, std::vector<double>> cpu_us_;
};

void print_sizes(const Sizes& s) {
  std::printf("token sizes (characters of text, mxs1_ prefix included)\n");
  std::printf("  root, user id only             %4zu  (target <= 180: %s)\n", s.root, verdict(s.root <= 180));
  std::printf("  root, user id + device id      %4zu\n", s.root_device);
  std::printf("  + minimal block (no caveats)   %4zu  (target <= 130: %s)\n", s.minimal_block, verdict(s.minimal_block <= 130));
  std::printf("  + realistic block              %4zu  (target <= 130: %s)\n", s.realistic_block, verdict(s.realistic_block <= 130));
  std::printf("  + seal                         %4zu\n", s.sealed_extra);
  for (int d : {1, 2, 3, 8})
    std::printf("  depth %d (realistic blocks)     %4zu  (%zu bytes binary)\n", d, s.depth[d], s.depth_bytes[d]);
  std::printf("\n");
  std::fflush(stdout);
}

void print_summary(const SummaryReporter& rep, const Sizes& s) {
  const double ed = rep.us("BM_ed25519_verify");
  const double v3 = rep.us("BM_verify_cold/3");
  const double v3s = rep.us("BM_verify_cold_sealed/3");
  const double cva = rep.us("BM_cached_verify_authorize/3");
  std::printf("\nsummary (CPU time per operation, microseconds)\n");
  auto line = [&](const char* key, const std::string& bench, const char* label) {
    const double v = rep.us(bench);
    if (v >= 0) std::printf("SUMMARY %-28s %10.3f  %s\n", key, v, label);
  };
  line("mint_root_us", "BM_mint_root", "mint a root token");
  line("attenuate_us", "BM_attenuate", "attenuate (realistic block), token not seen recently");
  line("attenuate_known_us", "BM_attenuate_known", "attenuate (realistic block), the same token again");
  line("seal_us", "BM_seal", "seal a 2-block token");
  line("to_text_3_us", "BM_to_text/3", "serialise 3 blocks");
  line("parse_1_us", "BM_parse/1", "parse 1 block");
  line("parse_3_us", "BM_parse/3", "parse 3 blocks");
  line("parse_8_us", "BM_parse/8", "parse 8 blocks");
  line("verify_cold_1_us", "BM_verify_cold/1", "verify 1 block, no cache");
  line("verify_cold_3_us", "BM_verify_cold/3", "verify 3 blocks, no cache");
  line("verify_cold_8_us", "BM_verify_cold/8", "verify 8 blocks, no cache");
  line("verify_sealed_3_us", "BM_verify_cold_sealed/3", "verify 3 blocks sealed (4 signatures)");
  line("parse_verify_cold_3_us", "BM_parse_verify_cold/3", "parse + verify 3 blocks from text");
  line("verify_cached_1_us", "BM_verify_cached/1", "verify_text 1 block, warm cache");
  line("verify_cached_3_us", "BM_verify_cached/3", "verify_text 3 blocks, warm cache");
  line("verify_cached_8_us", "BM_verify_cached/8", "verify_text 8 blocks, warm cache");
  line("authorize_us", "BM_authorize", "authorize (allowed)");
  line("describe_us", "BM_describe", "describe a 3-block scope");
  line("ed25519_verify_us", "BM_ed25519_verify", "libsodium crypto_sign_verify_detached");
  line("ed25519_seed_keypair_us", "BM_ed25519_seed_keypair", "libsodium crypto_sign_seed_keypair");
  if (ed > 0 && v3 > 0)
    std::printf("SUMMARY %-28s %10.3f  verify 3 blocks / (3 x Ed25519 verify), target <= 1.2: %s\n", "ratio_verify3",
                v3 / (3 * ed), verdict(v3 / (3 * ed) <= 1.2));
  if (ed > 0 && v3s > 0)
    std::printf("SUMMARY %-28s %10.3f  verify 3 blocks sealed / (4 x Ed25519 verify)\n", "ratio_verify3_sealed",
                v3s / (4 * ed));
  if (cva > 0)
    std::printf("SUMMARY %-28s %10.3f  cached re-verify + authorize (3 blocks), target < 2 us: %s\n",
                "cached_verify_authorize_us", cva, verdict(cva < 2.0));
  std::printf("SUMMARY %-28s %10zu  root text, user id only, target <= 180: %s\n", "size_root", s.root, verdict(s.root <= 180));
  std::printf("SUMMARY %-28s %10zu  + one realistic block, target <= 130: %s\n", "size_block_realistic",
              s.realistic_block, verdict(s.realistic_block <= 130));
  std::printf("SUMMARY %-28s %10zu  + one minimal block, target <= 130: %s\n", "size_block_minimal", s.minimal_block,
              verdict(s.minimal_block <= 130));
  std::printf("SUMMARY %-28s %10zu  3 realistic blocks\n", "size_depth3", s.depth[3]);
  std::printf("SUMMARY %-28s %10zu  8 realistic blocks\n", "size_depth8", s.depth[8]);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const Sizes sizes = measure_sizes();
  print_sizes(sizes);
  // Colour only on a terminal, so files written through tee stay plain text.
  SummaryReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Defaults
                                                 : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter, sizes);
  benchmark::Shutdown();
  return 0;
}
