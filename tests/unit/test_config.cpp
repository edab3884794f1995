#include "app/config.hpp"

#include <gtest/gtest.h>

using namespace keel;

namespace {
Invocation parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_invocation(args, env);
}
std::string error_of(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  try {
    parse(std::move(args), std::move(env));
  } catch (const ConfigError& e) { return e.what(); }
  return "";
}
}  // namespace

TEST(Config, DefaultsMatchTheDesign) {
  auto c = parse({}).config;
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8000u);
  EXPECT_GE(c.threads, 1u);
  EXPECT_EQ(c.db_pool_size, 2u);
  EXPECT_EQ(c.db_max_overflow, 2u);
  EXPECT_EQ(c.max_body_bytes, 15ull << 20);
  EXPECT_EQ(c.max_upload_bytes, 512ull << 20);
  EXPECT_EQ(c.upload_chunk_bytes, 1024u * 1024u);
  EXPECT_EQ(c.memory_warn_percent, 85u);
  EXPECT_EQ(c.memory_reject_percent, 90u);
  EXPECT_EQ(c.header_timeout_s, 10);
  EXPECT_EQ(c.idle_timeout_s, 60);
  EXPECT_EQ(c.shutdown_grace_s, 30);
  EXPECT_EQ(c.max_connections, 1024u);
  EXPECT_EQ(c.max_uploads, 16u);
  EXPECT_EQ(c.pdf_concurrency, 2u);
  EXPECT_FALSE(c.auto_migrate);
  EXPECT_EQ(parse({}).command, "serve");
}

TEST(Config, EnvironmentAndFlagsWithFlagWinning) {
  auto inv = parse(
      {"--port", "9001", "--max-body-mb=2"},
      {{"KEEL_PORT", "9000"}, {"KEEL_THREADS", "3"}, {"KEEL_CORS_ORIGINS", " https://a.example , https://b.example"}});
  EXPECT_EQ(inv.config.port, 9001u);
  EXPECT_EQ(inv.config.threads, 3u);
  EXPECT_EQ(inv.config.max_body_bytes, 2ull << 20);
  EXPECT_EQ(inv.config.cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(Config, CommandsAndHelp) {
  EXPECT_EQ(parse({"migrate"}).command, "migrate");
  EXPECT_EQ(parse({"serve", "--port", "1"}).command, "serve");
  EXPECT_EQ(parse({"--help"}).command, "help");
  EXPECT_EQ(parse({"--version"}).command, "version");
  EXPECT_NE(help_text().find("KEEL_MEMORY_REJECT_PERCENT"), std::string::npos);
}

TEST(Config, BadValuesNameTheVariable) {
  struct Case {
    std::map<std::string, std::string> env;
    std::vector<std::string> args;
    const char* names;
  };
  const std::vector<Case> cases = {
      {{{"KEEL_PORT", "abc"}}, {}, "KEEL_PORT"},
      {{{"KEEL_PORT", "70000"}}, {}, "KEEL_PORT"},
      {{{"KEEL_PORT", "-1"}}, {}, "KEEL_PORT"},
      {{{"KEEL_THREADS", "0"}}, {}, "KEEL_THREADS"},
      {{{"KEEL_UPLOAD_CHUNK_KB", "512"}}, {}, "KEEL_UPLOAD_CHUNK_KB"},
      {{{"KEEL_UPLOAD_CHUNK_KB", "4096"}}, {}, "KEEL_UPLOAD_CHUNK_KB"},
      {{{"KEEL_LOG_LEVEL", "loud"}}, {}, "KEEL_LOG_LEVEL"},
      {{{"KEEL_LOG_FORMAT", "xml"}}, {}, "KEEL_LOG_FORMAT"},
      {{{"KEEL_HEADER_TIMEOUT_S", "soon"}}, {}, "KEEL_HEADER_TIMEOUT_S"},
      {{{"KEEL_AUTO_MIGRATE", "maybe"}}, {}, "KEEL_AUTO_MIGRATE"},
      {{{"KEEL_DB_URL", "postgres://x"}}, {}, "KEEL_DB_URL"},
      {{{"KEEL_MEMORY_WARN_PERCENT", "95"}}, {}, "KEEL_MEMORY_WARN_PERCENT"},
      {{{"KEEL_MAX_BODY_MB", ""}}, {}, "KEEL_MAX_BODY_MB"},
      {{}, {"--port"}, "--port"},
      {{}, {"--nope", "1"}, "--nope"},
      {{}, {"frobnicate"}, "frobnicate"},
  };
  for (const auto& c : cases) {
    std::string err = error_of(c.args, c.env);
    EXPECT_NE(err.find(c.names), std::string::npos)
        << "expected an error naming " << c.names << ", got '" << err << "'";
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
}

// KEEL_IDEMPOTENCY_TTL_H: hours an Idempotency-Key's answer is kept; 1..720.
TEST(Config, IdempotencyTtlHours) {
  EXPECT_EQ(parse({}).config.idempotency_ttl_h, 24u);
  EXPECT_EQ(parse({}, {{"KEEL_IDEMPOTENCY_TTL_H", "1"}}).config.idempotency_ttl_h, 1u);
  EXPECT_EQ(parse({}, {{"KEEL_IDEMPOTENCY_TTL_H", "720"}}).config.idempotency_ttl_h, 720u);
  EXPECT_EQ(parse({"--idempotency-ttl-h", "48"}).config.idempotency_ttl_h, 48u);
  for (const char* bad : {"0", "721", "-1", "24h", "", "1.5"}) {
    std::string err = error_of({}, {{"KEEL_IDEMPOTENCY_TTL_H", bad}});
    EXPECT_NE(err.find("KEEL_IDEMPOTENCY_TTL_H"), std::string::npos) << "'" << bad << "' gave '" << err << "'";
  }
}
