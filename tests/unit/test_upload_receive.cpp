// Receiving an upload (services/uploads/receive) without a server: a body
// fed in small pieces, the temp file it lands in, and refusals that stop
// reading the body early.
#include "services/crypto/sha256.hpp"
#include "services/uploads/receive.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace keel;

namespace {

// A request body handing out at most `piece` bytes per read.
class FakeBody : public BodyReader {
 public:
  FakeBody(std::string data, std::size_t piece) : data_(std::move(data)), piece_(piece) {}
  awaitable<std::size_t> read_some(std::span<char> buf) override {
    std::size_t n = std::min({piece_, buf.size(), data_.size() - pos_});
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    co_return n;
  }
  bool done() const override { return pos_ == data_.size(); }
  std::optional<std::uint64_t> content_length() const override { return data_.size(); }
  bool chunked() const override { return false; }
  bool expects_continue() const override { return false; }
  std::size_t consumed() const { return pos_; }

 private:
  std::string data_;
  std::size_t piece_;
  std::size_t pos_ = 0;
};

class UploadReceive : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_receive.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  uploads::Received receive(FakeBody& body, const uploads::Framing& framing, const uploads::ReceiveLimits& limits) {
    boost::asio::io_context io;
    auto fut =
        boost::asio::co_spawn(io, uploads::receive(body, framing, limits, dir_, blocking_), boost::asio::use_future);
    io.run();
    return fut.get();
  }
  // The HttpError status receive() ended with (0: none).
  int refusal(FakeBody& body, const uploads::Framing& framing, const uploads::ReceiveLimits& limits) {
    try {
      receive(body, framing, limits);
    } catch (const HttpError& e) { return e.status; }
    return 0;
  }

  std::string dir_;
  BlockingPool blocking_{1};
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string multipart(const std::string& boundary, const std::string& parts) {
  return parts + "--" + boundary + "--\r\n";
}
std::string part(const std::string& boundary, const std::string& disposition, const std::string& value,
                 const std::string& type = "") {
  std::string p = "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n";
  if (!type.empty()) p += "Content-Type: " + type + "\r\n";
  return p + "\r\n" + value + "\r\n";
}

const uploads::ReceiveLimits kRoomy{.max_file_bytes = 1 << 20, .chunk_bytes = 7};

}  // namespace

TEST_F(UploadReceive, RawBodyLandsInATempFileWithItsHash) {
  const std::string content = "the quick brown fox jumps over the lazy dog";
  FakeBody body(content, 5);
  uploads::Framing framing{.filename = "fox.txt", .content_type = "text/plain"};
  {
    uploads::Received r = receive(body, framing, kRoomy);
    EXPECT_EQ(r.filename, "fox.txt");
    EXPECT_EQ(r.content_type, "text/plain");
    EXPECT_EQ(r.size, content.size());
    EXPECT_EQ(r.sha256, sha256_hex(content));
    EXPECT_TRUE(r.metadata.empty());
    ASSERT_TRUE(r.file);
    EXPECT_EQ(fs::path(r.file->path()).parent_path(), fs::path(dir_));
    EXPECT_EQ(read_file(r.file->path()), content);
  }
  EXPECT_EQ(entries(), 0u) << "an upload never stored leaves no temp file";
}

TEST_F(UploadReceive, RefusalsStopReadingAndLeaveNothing) {
  struct Case {
    const char* what;
    std::string body;
    uploads::ReceiveLimits limits;
    int status;
    std::size_t read_at_most;  // of the body, when refused
  };
  const std::string big(100000, 'x');
  const Case cases[] = {
      {"over the cap", big, {.max_file_bytes = 1000, .chunk_bytes = 512}, 413, 1024},
      {"not audio", big, {.max_file_bytes = 1 << 20, .chunk_bytes = 512, .audio_only = true}, 415, 512},
      {"short, not audio", "tiny", {.max_file_bytes = 1 << 20, .chunk_bytes = 512, .audio_only = true}, 415, 4},
  };
  for (const auto& c : cases) {
    FakeBody body(c.body, 4096);
    EXPECT_EQ(refusal(body, uploads::Framing{}, c.limits), c.status) << c.what;
    EXPECT_LE(body.consumed(), c.read_at_most) << c.what;
    EXPECT_EQ(entries(), 0u) << c.what;
  }
}

TEST_F(UploadReceive, AudioIsTypedBySniffingUnlessTheClientSaidAudio) {
  const std::string ogg = "OggS" + std::string(100, '\0');
  const uploads::ReceiveLimits audio{.max_file_bytes = 1 << 20, .chunk_bytes = 16, .audio_only = true};
  FakeBody plain(ogg, 3);
  EXPECT_EQ(receive(plain, uploads::Framing{}, audio).content_type, "audio/ogg");
  FakeBody said(ogg, 3);
  EXPECT_EQ(receive(said, uploads::Framing{.content_type = "audio/x-vorbis"}, audio).content_type, "audio/x-vorbis");
}

TEST_F(UploadReceive, MultipartFilePartIsTheUploadAndFieldsAreMetadata) {
  const std::string b = "XyZ";
  const std::string content = "%PDF-1.7 not really\r\n--XyZ inside\r\n";
  FakeBody body(
      multipart(b, part(b, "name=\"title\"", "Invoice") +
                       part(b, "name=\"file\"; filename=\"C:\\\\scans\\\\scan.pdf\"", content, "application/pdf") +
                       part(b, "name=\"kind\"", "receipt")),
      5);
  uploads::Received r = receive(body, uploads::Framing{.boundary = b}, kRoomy);
  EXPECT_EQ(r.filename, "scan.pdf");
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(r.size, content.size());
  EXPECT_EQ(r.sha256, sha256_hex(content));
  EXPECT_EQ(read_file(r.file->path()), content);
  EXPECT_EQ(r.metadata, nlohmann::json({{"title", "Invoice"}, {"kind", "receipt"}}));
}

TEST_F(UploadReceive, MultipartFilePartWithoutAFilenameIsStillTheUpload) {
  const std::string b = "BB";
  FakeBody body(multipart(b, part(b, "name=\"file\"", "plain bytes") + part(b, "name=\"file\"", "second")), 4);
  uploads::Received r = receive(body, uploads::Framing{.boundary = b}, kRoomy);
  EXPECT_EQ(r.filename, "upload");
  EXPECT_EQ(r.content_type, "text/plain");  // RFC 7578's default for a part without Content-Type
  EXPECT_EQ(read_file(r.file->path()), "plain bytes");
  EXPECT_TRUE(r.metadata.empty()) << r.metadata;  // a second "file" part is ignored, not metadata
}

TEST_F(UploadReceive, MultipartRefusals) {
  const std::string b = "BB";
  struct Case {
    const char* what;
    std::string body;
    int status;
  };
  const Case cases[] = {
      {"no file part", multipart(b, part(b, "name=\"title\"", "x")), 422},
      {"not closed", part(b, "name=\"file\"; filename=\"a\"", "abc"), 400},
      {"field too large", multipart(b, part(b, "name=\"title\"", std::string(70000, 'x'))), 413},
  };
  for (const auto& c : cases) {
    FakeBody body(c.body, 1000);
    EXPECT_EQ(refusal(body, uploads::Framing{.boundary = b}, kRoomy), c.status) << c.what;
    EXPECT_EQ(entries(), 0u) << c.what;
  }
}
