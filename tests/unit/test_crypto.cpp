#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "http/random_id.hpp"
#include "services/crypto/constant_time.hpp"
#include "services/crypto/sha256.hpp"

namespace {

using namespace keel;

constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kMillionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
constexpr const char* kTwoBlock =  // "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

TEST(Sha256, KnownVectorsOneShot) {
  EXPECT_EQ(sha256_hex(""), kEmpty);
  EXPECT_EQ(sha256_hex("abc"), kAbc);
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), kTwoBlock);
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')), kMillionA);
  const auto abc = sha256_bytes("abc");
  EXPECT_EQ(abc[0], 0xBA);
  EXPECT_EQ(abc[31], 0xAD);
  EXPECT_EQ(to_hex(abc), kAbc);
}

TEST(Sha256, IncrementalEmptyAndAbc) {
  Sha256 h;
  EXPECT_EQ(h.finish_hex(), kEmpty);
  h.update("a").update("").update("bc");
  EXPECT_EQ(h.finish_hex(), kAbc);
  // finish() resets: the same object hashes the next message from scratch.
  h.update(std::string_view("abc"));
  EXPECT_EQ(to_hex(h.finish()), kAbc);
  EXPECT_EQ(h.finish_hex(), kEmpty);
}

TEST(Sha256, MillionAInUnevenChunks) {
  const std::string a(1'000'000, 'a');
  Sha256 h;
  std::size_t pos = 0;
  std::size_t chunk = 1;
  while (pos < a.size()) {
    const std::size_t n = std::min(chunk, a.size() - pos);
    if (chunk % 2 == 0) {
      h.update(a.data() + pos, n);
    } else {
      h.update(std::string_view(a).substr(pos, n));
    }
    pos += n;
    chunk = chunk * 7 % 1021 + 1;  // 1, 8, 57, 400, ... uneven, crossing block boundaries
  }
  EXPECT_EQ(h.finish_hex(), kMillionA);
}

TEST(Sha256, MovableNotCopyable) {
  static_assert(!std::is_copy_constructible_v<Sha256>);
  static_assert(!std::is_copy_assignable_v<Sha256>);
  static_assert(std::is_nothrow_move_constructible_v<Sha256>);
  static_assert(std::is_nothrow_move_assignable_v<Sha256>);
  Sha256 a;
  a.update("ab");
  Sha256 b(std::move(a));
  b.update("c");
  EXPECT_EQ(b.finish_hex(), kAbc);
  EXPECT_THROW(a.update("x"), std::logic_error);  // NOLINT(bugprone-use-after-move)
  Sha256 c;
  c.update("abc");
  a = std::move(c);
  EXPECT_EQ(a.finish_hex(), kAbc);
}

bool url_safe(const std::string& s) {
  for (const char ch : s) {
    const bool ok =
        (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(RandomToken, LengthAndCharset) {
  EXPECT_EQ(random_token(0), "");
  EXPECT_EQ(random_token(1).size(), 2u);
  EXPECT_EQ(random_token(2).size(), 3u);
  EXPECT_EQ(random_token(3).size(), 4u);
  EXPECT_EQ(random_token(32).size(), 43u);
  EXPECT_EQ(random_token(33).size(), 44u);
  for (int i = 0; i < 50; ++i) {
    const std::string t = random_token(48);
    EXPECT_EQ(t.size(), 64u);
    EXPECT_TRUE(url_safe(t)) << t;
  }
}

TEST(RandomToken, RandomIdUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = random_id();
    ASSERT_EQ(id.size(), 22u);
    ASSERT_TRUE(url_safe(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomToken, Base64UrlKnownValues) {
  // RFC 4648 test vectors, URL alphabet, no padding.
  EXPECT_EQ(base64url_encode("", 0), "");
  EXPECT_EQ(base64url_encode("f", 1), "Zg");
  EXPECT_EQ(base64url_encode("fo", 2), "Zm8");
  EXPECT_EQ(base64url_encode("foo", 3), "Zm9v");
  EXPECT_EQ(base64url_encode("foob", 4), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba", 5), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar", 6), "Zm9vYmFy");
  const unsigned char high[] = {0xFB, 0xFF, 0xBF};
  EXPECT_EQ(base64url_encode(high, 3), "-_-_");  // '+' and '/' in standard base64
}

TEST(ConstantTime, TruthTable) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("a", "a"));
  EXPECT_TRUE(constant_time_equals("secret-token", "secret-token"));
  EXPECT_FALSE(constant_time_equals("secret-token", "secret-tokeN"));
  EXPECT_FALSE(constant_time_equals("secret-token", "Secret-token"));
  EXPECT_FALSE(constant_time_equals("a", "b"));
  EXPECT_FALSE(constant_time_equals("", "a"));
  EXPECT_FALSE(constant_time_equals("a", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));  // prefix
  EXPECT_FALSE(constant_time_equals("abcd", "abc"));
  const std::string with_nul("a\0b", 3);
  EXPECT_TRUE(constant_time_equals(with_nul, std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equals(with_nul, std::string("a\0c", 3)));
  EXPECT_FALSE(constant_time_equals(with_nul, "a"));
  const std::string long_a(4096, 'x');
  std::string long_b = long_a;
  EXPECT_TRUE(constant_time_equals(long_a, long_b));
  long_b.back() = 'y';
  EXPECT_FALSE(constant_time_equals(long_a, long_b));
}

}  // namespace
