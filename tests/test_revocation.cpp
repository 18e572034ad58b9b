// Revocation ids and the revocation set file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support.hpp"

using namespace mxscope;

namespace {
RevocationId id(std::uint8_t fill) {
  RevocationId r;
  r.bytes.fill(fill);
  return r;
}

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "mxscope-test-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};
}  // namespace

TEST_CASE("a revocation id is 32 lowercase hex characters and reads back in either case") {
  RevocationId r;
  for (std::size_t i = 0; i < r.bytes.size(); ++i) r.bytes[i] = static_cast<std::uint8_t>(i * 17);
  CHECK(r.to_hex() == "00112233445566778899aabbccddeeff");
  CHECK(RevocationId::from_hex("00112233445566778899AABBCCDDEEFF") == r);
  for (const std::string& bad : std::vector<std::string>{"", "0011", std::string(31, 'a'), std::string(33, 'a'), std::string(32, 'g'),
                                "00112233445566778899aabbccddeef "}) {
    INFO(bad);
    REQUIRE_ERRC(RevocationId::from_hex(bad), Errc::invalid_argument);
  }
}

TEST_CASE("a revocation set adds, finds and removes ids") {
  RevocationSet set;
  CHECK(set.size() == 0);
  CHECK(set.add(id(1)));
  CHECK_FALSE(set.add(id(1)));
  CHECK(set.add(id(2)));
  CHECK(set.size() == 2);
  CHECK(set.contains(id(1)));
  CHECK_FALSE(set.contains(id(3)));
  CHECK(set.remove(id(1)));
  CHECK_FALSE(set.remove(id(1)));
  CHECK_FALSE(set.contains(id(1)));
  CHECK(set.ids() == std::set<RevocationId>{id(2)});
}

TEST_CASE("a revocation set survives its text form") {
  RevocationSet set;
  for (std::uint8_t i = 0; i < 20; ++i) set.add(id(i));
  const std::string text = set.to_text();
  CHECK(text.starts_with("# mxscope revocations v1\n"));
  const RevocationSet back = RevocationSet::from_text(text);
  CHECK(back.ids() == set.ids());
  CHECK(back.to_text() == text);
  CHECK(RevocationSet().to_text() == "# mxscope revocations v1\n");
}

TEST_CASE("the revocation text form ignores comments, blank lines, spaces and CRLF") {
  const std::string text = "# mxscope revocations v1\r\n\r\n  " + id(1).to_hex() + "  \r\n# revoked the laptop\n\t" +
                           id(2).to_hex() + "\n" + id(1).to_hex();
  const RevocationSet set = RevocationSet::from_text(text);
  CHECK(set.ids() == std::set<RevocationId>{id(1), id(2)});
  CHECK(RevocationSet::from_text("").size() == 0);
}

TEST_CASE("a bad line in a revocation list is an invalid argument naming the line") {
  const std::string text = "# mxscope revocations v1\n" + id(1).to_hex() + "\n\nnot an id\n" + id(2).to_hex() + "\n";
  const auto err = mxtest::error_of([&] { RevocationSet::from_text(text); });
  REQUIRE(err);
  CHECK(err->code() == Errc::invalid_argument);
  CHECK_THAT(err->what(), Catch::Contains("line 4"));
  REQUIRE_ERRC(RevocationSet::from_text(id(1).to_hex() + "00"), Errc::invalid_argument);
}

TEST_CASE("a revocation set survives saving and loading a file") {
  TempDir dir;
  const std::string path = (dir.path / "revoked.txt").string();
  RevocationSet set;
  const IssuerKey key = mxtest::issuer(1);
  const Token t = mxtest::root_token(key).attenuate({.name = "laptop"});
  set.add(t.revocation_ids().back());
  set.add(id(9));
  set.save(path);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  const RevocationSet loaded = RevocationSet::load(path);
  CHECK(loaded.ids() == set.ids());
  REQUIRE_ERRC(mxtest::verify_at(t, key, mxtest::now, &loaded), Errc::token_revoked);

  // Saving again replaces the file.
  RevocationSet smaller;
  smaller.add(id(3));
  smaller.save(path);
  CHECK(RevocationSet::load(path).ids() == smaller.ids());
}

TEST_CASE("loading a revocation file that does not exist gives an empty set") {
  TempDir dir;
  CHECK(RevocationSet::load((dir.path / "never-written.txt").string()).size() == 0);
}

TEST_CASE("loading a corrupt revocation file is an invalid argument and saving where it cannot is an io error") {
  TempDir dir;
  const std::string path = (dir.path / "bad.txt").string();
  std::ofstream(path) << "# mxscope revocations v1\nzzzz\n";
  REQUIRE_ERRC(RevocationSet::load(path), Errc::invalid_argument);
  REQUIRE_ERRC(RevocationSet().save((dir.path / "no-such-dir" / "x.txt").string()), Errc::io_error);
}
