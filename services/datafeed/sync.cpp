#include "services/datafeed/sync.hpp"

#include "http/codec/gzip_inflate.hpp"
#include "http/text/iso_datetime.hpp"
#include "services/crypto/sha256.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <vector>

namespace keel::datafeed {

namespace {

using Clock = std::chrono::steady_clock;

// The converter is fed at most this much at a time, so its output (JSONL is
// larger than the CSV: every line repeats the keys) stays bounded whatever
// the caller's chunk size.
constexpr std::size_t kConvertPiece = 256 << 10;
// statvfs costs a microsecond: checking every 4 MiB of output (the issue
// asks for at least every 64 MiB) lets a small file system refuse with 507
// before a write fails for want of space.
constexpr std::uint64_t kDiskCheckEvery = 4ull << 20;

// RFC 3339 UTC with milliseconds: "2026-12-03T14:29:03.123Z".
std::string rfc3339_ms(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::int64_t seconds = ms / 1000, frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --seconds;
  }
  std::string s = text::format_iso_utc(seconds);  // "...:03Z"
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(frac));
  s.insert(s.size() - 1, buf);
  return s;
}

nlohmann::json detail(std::string text) { return nlohmann::json{{"detail", std::move(text)}}; }

}  // namespace

SyncError::SyncError(int status_, nlohmann::json body_)
    : std::runtime_error(body_.contains("detail") && body_["detail"].is_string() ? body_["detail"].get<std::string>()
                                                                                 : body_.dump()),
      status(status_),
      body(std::move(body_)) {}

nlohmann::json unstarted_report(const std::string& dataset, const std::string& source) {
  return {{"dataset", dataset},
          {"generation", nullptr},
          {"records", 0},
          {"columns", nlohmann::json::array()},
          {"source", source},
          {"source_bytes", 0},
          {"source_sha256", sha256_hex("")},
          {"synced_at", rfc3339_ms(std::chrono::system_clock::now())},
          {"seconds", 0.0},
          {"bad_rows", 0},
          {"first_errors", nlohmann::json::array()}};
}

// A write that failed for want of space (or quota) is the disk guard's 507.
bool out_of_space(const std::system_error& e) {
  return e.code() == std::errc::no_space_on_device || e.code().value() == EDQUOT;
}

struct CsvSync::Impl {
  DatasetStore& store;
  std::string dataset;
  SyncOptions options;
  std::unique_ptr<SyncLock> lock;
  std::unique_ptr<GenerationWriter> writer;
  CsvToJsonl csv;
  std::unique_ptr<GzipInflate> gzip;
  Sha256 sha;
  std::string sha_hex;  // set when the source ended
  std::uint64_t source_bytes = 0;
  std::uint64_t next_disk_check = 0;  // at the first output, then every kDiskCheckEvery
  Clock::time_point started = Clock::now();
  std::string out;
  std::vector<std::uint64_t> index;
  std::optional<std::string> generation;  // set once committed
  std::optional<std::chrono::system_clock::time_point> synced_at;
  double seconds = 0;
  bool created = false;
  bool failed = false;

  Impl(DatasetStore& s, const std::string& name, SyncOptions o)
      : store(s), dataset(name), options(std::move(o)), csv(options.csv) {}

  nlohmann::json report() const {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : csv.first_errors())
      errors.push_back({{"line", e.line}, {"reason", reason_name(e.reason)}, {"detail", e.detail}});
    const double elapsed =
        generation ? seconds : std::chrono::duration<double>(Clock::now() - started).count();
    nlohmann::json r = {{"dataset", dataset},
                        {"generation", generation ? nlohmann::json(*generation) : nlohmann::json(nullptr)},
                        {"records", csv.records()},
                        {"columns", csv.columns()},
                        {"source", options.source},
                        {"source_bytes", source_bytes},
                        // Known once the source ended or the sync failed.
                        {"source_sha256", sha_hex.empty() ? nlohmann::json(nullptr) : nlohmann::json(sha_hex)},
                        {"synced_at", rfc3339_ms(synced_at.value_or(std::chrono::system_clock::now()))},
                        {"seconds", elapsed},
                        {"bad_rows", csv.bad_rows()},
                        {"first_errors", std::move(errors)}};
    return r;
  }

  // Stops the sync: the temp folder and the lock go at once; the report
  // keeps what was counted.
  void abandon() noexcept {
    failed = true;
    generation.reset();
    if (sha_hex.empty()) {
      try {
        sha_hex = sha.finish_hex();
      } catch (...) {
      }
    }
    writer.reset();
    lock.reset();
  }

  [[noreturn]] void fail(int status, nlohmann::json body) {
    abandon();
    throw SyncError(status, std::move(body));
  }

  void check_disk() {
    if (writer->bytes_written() < next_disk_check) return;
    next_disk_check = writer->bytes_written() + kDiskCheckEvery;
    if (store.free_bytes() < options.min_free_disk_bytes) fail(507, detail("not enough disk space"));
  }

  void check_rows() {
    if (auto e = csv.header_error()) fail(422, detail(*e));
    if (csv.bad_rows() > options.max_bad_rows) {
      abandon();
      throw SyncError(422, {{"detail", "too many bad rows"}, {"report", report()}});
    }
  }

  nlohmann::json finish_source();

  void flush() {
    if (!out.empty()) writer->write_records(out);
    if (!index.empty()) writer->write_index(index);
    out.clear();
    index.clear();
  }

  void convert(std::string_view csv_bytes) {
    while (!csv_bytes.empty()) {
      const auto piece = csv_bytes.substr(0, kConvertPiece);
      csv_bytes.remove_prefix(piece.size());
      csv.feed(piece, out, index);
      flush();
      check_rows();
      check_disk();
    }
  }
};

CsvSync::CsvSync(DatasetStore& store, const std::string& dataset, SyncOptions options)
    : impl_(std::make_unique<Impl>(store, dataset, std::move(options))) {
  auto& s = *impl_;
  s.lock = store.try_lock(dataset);
  if (!s.lock) throw SyncError(409, detail("sync in progress"));
  if (s.options.expected_bytes) {
    const std::uint64_t expected = *s.options.expected_bytes;
    if (expected > s.options.max_source_bytes)
      throw SyncError(413, detail("CSV too large: the limit is " + std::to_string(s.options.max_source_bytes >> 20) +
                                  " MiB"));
    // JSONL and its index take about as much as the CSV: 20 % more to be safe.
    const double need = static_cast<double>(expected) * 1.2 + static_cast<double>(s.options.min_free_disk_bytes);
    if (static_cast<double>(store.free_bytes()) < need) throw SyncError(507, detail("not enough disk space"));
  }
  if (s.options.gzip) s.gzip = std::make_unique<GzipInflate>();
  s.writer = std::make_unique<GenerationWriter>(store, *s.lock);
}

CsvSync::~CsvSync() = default;

void CsvSync::feed(std::string_view bytes) {
  auto& s = *impl_;
  if (s.failed || s.generation) throw std::logic_error("CsvSync::feed after the sync ended");
  try {
    s.source_bytes += bytes.size();
    if (s.source_bytes > s.options.max_source_bytes)
      s.fail(413,
             detail("CSV too large: the limit is " + std::to_string(s.options.max_source_bytes >> 20) + " MiB"));
    s.sha.update(bytes);
    if (!s.gzip) return s.convert(bytes);
    try {
      s.gzip->feed(bytes, [&](std::string_view piece) { s.convert(piece); });
    } catch (const GzipError& e) {
      s.fail(400, detail(e.what()));
    }
  } catch (const std::system_error& e) {
    s.abandon();  // a disk error too: no half generation stays
    if (out_of_space(e)) throw SyncError(507, detail("not enough disk space"));
    throw;
  } catch (...) {
    s.abandon();
    throw;
  }
}

nlohmann::json CsvSync::finish() {
  auto& s = *impl_;
  if (s.failed || s.generation) throw std::logic_error("CsvSync::finish after the sync ended");
  try {
    return s.finish_source();
  } catch (const std::system_error& e) {
    s.abandon();
    if (out_of_space(e)) throw SyncError(507, detail("not enough disk space"));
    throw;
  } catch (...) {
    s.abandon();
    throw;
  }
}

nlohmann::json CsvSync::Impl::finish_source() {
  auto& s = *this;
  if (s.gzip) {
    try {
      s.gzip->finish();
    } catch (const GzipError& e) {
      s.fail(400, detail(e.what()));
    }
  }
  s.csv.finish(s.out, s.index);
  s.flush();
  s.check_rows();
  if (!s.csv.has_header()) s.fail(422, detail("empty CSV: no header row"));
  s.sha_hex = s.sha.finish_hex();
  s.synced_at = std::chrono::system_clock::now();
  s.seconds = std::chrono::duration<double>(Clock::now() - s.started).count();
  const std::string id = s.writer->id();
  s.generation = id;
  nlohmann::json meta = s.report();
  s.created = s.writer->commit(meta, s.csv.records());
  s.writer.reset();
  s.lock.reset();
  return meta;
}

bool CsvSync::created() const { return impl_->created; }

nlohmann::json CsvSync::report() const { return impl_->report(); }

}  // namespace keel::datafeed
