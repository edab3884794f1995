#include "services/datafeed/sync.hpp"

#include "http/codec/gzip_inflate.hpp"
#include "http/text/iso_datetime.hpp"
#include "services/crypto/sha256.hpp"
#include "services/storage/pipeline_stage.hpp"

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
// the caller's chunk size; the source is queued in pieces of this size too.
constexpr std::size_t kConvertPiece = 64 << 10;
// statvfs costs a microsecond: checking every 4 MiB of output (the issue
// asks for at least every 64 MiB) lets a small file system refuse with 507
// before a write fails for want of space.
constexpr std::uint64_t kDiskCheckEvery = 4ull << 20;

// RFC 3339 UTC with milliseconds: "2026-12-03T14:29:03.123Z".
std::string rfc3339_ms(std::chrono::system_clock::time_point t) {
  return text::format_iso_utc_ms(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
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

// A sync is a pipeline of three threads: the caller's feed() hashes the
// source and queues it in pieces; the converter thread inflates and converts
// them; the writer thread writes the JSONL and its index (starting writeback
// as it goes) and watches the disk. Each hand-off queue holds at most
// kStageDepth pieces, so memory stays a few pieces whatever the file's size.
// Errors raised in a stage surface at the caller's next feed() or finish().
constexpr std::size_t kStageDepth = 2;

struct Output {  // one converted piece on its way to disk
  std::string records;
  std::vector<std::uint64_t> index;
  void clear() {
    records.clear();
    index.clear();
  }
};

// Thrown by the converter; the caller turns it into the 422 with the report.
struct TooManyBadRows {};

struct CsvSync::Impl {
  DatasetStore& store;
  std::string dataset;
  SyncOptions options;
  std::unique_ptr<SyncLock> lock;
  std::unique_ptr<GenerationWriter> writer;
  CsvToJsonl csv;                     // the converter thread's, until it finished
  std::unique_ptr<GzipInflate> gzip;  // the converter thread's
  Output out;                         // the converter thread's piece being filled
  std::uint64_t next_disk_check = 0;  // the writer thread's: at the first output, then every kDiskCheckEvery
  Sha256 sha;
  std::string sha_hex;  // set when the source ended
  std::uint64_t source_bytes = 0;
  Clock::time_point started = Clock::now();
  std::optional<std::string> generation;  // set once committed
  std::optional<std::chrono::system_clock::time_point> synced_at;
  double seconds = 0;
  bool created = false;
  bool failed = false;
  // Last, so they stop (and join) before anything they use goes.
  std::unique_ptr<storage::PipelineStage<Output>> write_stage;
  std::unique_ptr<storage::PipelineStage<std::string>> convert_stage;

  Impl(DatasetStore& s, const std::string& name, SyncOptions o)
      : store(s), dataset(name), options(std::move(o)), csv(options.csv) {}

  void start_stages() {
    write_stage = std::make_unique<storage::PipelineStage<Output>>(kStageDepth, [this](Output& o) { write(o); });
    convert_stage = std::make_unique<storage::PipelineStage<std::string>>(
        kStageDepth, [this](std::string& src) { convert_source(src); });
  }

  nlohmann::json report() const {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : csv.first_errors())
      errors.push_back({{"line", e.line}, {"reason", reason_name(e.reason)}, {"detail", e.detail}});
    const double elapsed = generation ? seconds : std::chrono::duration<double>(Clock::now() - started).count();
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
    if (options.source_etag) r["source_etag"] = *options.source_etag;
    if (options.source_last_modified) r["source_last_modified"] = *options.source_last_modified;
    return r;
  }

  // Stops the sync: the stages, the temp folder and the lock go at once; the
  // report keeps what was counted.
  void abandon() noexcept {
    failed = true;
    generation.reset();
    convert_stage.reset();
    write_stage.reset();
    if (sha_hex.empty()) {
      try {
        sha_hex = sha.finish_hex();
      } catch (...) {}
    }
    writer.reset();
    lock.reset();
  }

  // Runs one step of the caller's; any failure (its own or a stage's)
  // abandons the sync and becomes the SyncError the caller answers with.
  template <class F>
  auto guarded(F&& step) {
    try {
      return step();
    } catch (const TooManyBadRows&) {
      abandon();
      throw SyncError(422, {{"detail", "too many bad rows"}, {"report", report()}});
    } catch (const SyncError&) {
      abandon();
      throw;
    } catch (const std::system_error& e) {
      abandon();  // a disk error too: no half generation stays
      if (out_of_space(e)) throw SyncError(507, detail("not enough disk space"));
      throw;
    } catch (...) {
      abandon();
      throw;
    }
  }

  // The caller's thread: hash, then queue in converter-sized pieces.
  void queue_source(std::string_view bytes) {
    source_bytes += bytes.size();
    if (source_bytes > options.max_source_bytes)
      throw SyncError(413,
                      detail("CSV too large: the limit is " + std::to_string(options.max_source_bytes >> 20) + " MiB"));
    sha.update(bytes);
    while (!bytes.empty()) {
      const auto piece = bytes.substr(0, kConvertPiece);
      bytes.remove_prefix(piece.size());
      std::string buf = convert_stage->take();
      buf.assign(piece);
      convert_stage->push(std::move(buf));
    }
  }

  // The converter thread.
  void convert_source(const std::string& src) {
    if (!gzip) return convert(src);
    try {
      gzip->feed(src, [this](std::string_view piece) { convert(piece); });
    } catch (const GzipError& e) { throw SyncError(400, detail(e.what())); }
  }

  void convert(std::string_view csv_bytes) {
    while (!csv_bytes.empty()) {
      const auto piece = csv_bytes.substr(0, kConvertPiece);
      csv_bytes.remove_prefix(piece.size());
      csv.feed(piece, out.records, out.index);
      check_rows();
      ship();
    }
  }

  void check_rows() const {
    if (auto e = csv.header_error()) throw SyncError(422, detail(*e));
    if (csv.bad_rows() > options.max_bad_rows) throw TooManyBadRows{};
  }

  void ship() {
    if (out.records.empty() && out.index.empty()) return;
    write_stage->push(std::move(out));
    out = write_stage->take();
  }

  // The writer thread.
  void write(const Output& o) {
    if (!o.records.empty()) writer->write_records(o.records);
    if (!o.index.empty()) writer->write_index(o.index);
    if (writer->bytes_written() < next_disk_check) return;
    next_disk_check = writer->bytes_written() + kDiskCheckEvery;
    if (store.free_bytes() < options.min_free_disk_bytes) throw SyncError(507, detail("not enough disk space"));
  }

  nlohmann::json finish_source();
};

CsvSync::CsvSync(DatasetStore& store, const std::string& dataset, SyncOptions options)
    : impl_(std::make_unique<Impl>(store, dataset, std::move(options))) {
  auto& s = *impl_;
  s.lock = store.try_lock(dataset);
  if (!s.lock) throw SyncError(409, detail("sync in progress"));
  if (s.options.expected_bytes) {
    const std::uint64_t expected = *s.options.expected_bytes;
    if (expected > s.options.max_source_bytes)
      throw SyncError(
          413, detail("CSV too large: the limit is " + std::to_string(s.options.max_source_bytes >> 20) + " MiB"));
    // JSONL and its index take about as much as the CSV: 20 % more to be safe.
    const double need = static_cast<double>(expected) * 1.2 + static_cast<double>(s.options.min_free_disk_bytes);
    if (static_cast<double>(store.free_bytes()) < need) throw SyncError(507, detail("not enough disk space"));
  }
  if (s.options.gzip) s.gzip = std::make_unique<GzipInflate>();
  s.writer = std::make_unique<GenerationWriter>(store, *s.lock);
  s.start_stages();
}

CsvSync::~CsvSync() = default;

void CsvSync::feed(std::string_view bytes) {
  auto& s = *impl_;
  if (s.failed || s.generation) throw std::logic_error("CsvSync::feed after the sync ended");
  s.guarded([&] { s.queue_source(bytes); });
}

nlohmann::json CsvSync::finish() {
  auto& s = *impl_;
  if (s.failed || s.generation) throw std::logic_error("CsvSync::finish after the sync ended");
  return s.guarded([&] { return s.finish_source(); });
}

nlohmann::json CsvSync::Impl::finish_source() {
  auto& s = *this;
  s.convert_stage->finish();  // from here on the converter's state is the caller's
  if (s.gzip) {
    try {
      s.gzip->finish();
    } catch (const GzipError& e) { throw SyncError(400, detail(e.what())); }
  }
  s.csv.finish(s.out.records, s.out.index);
  s.check_rows();
  s.ship();
  s.write_stage->finish();
  if (!s.csv.has_header()) throw SyncError(422, detail("empty CSV: no header row"));
  s.convert_stage.reset();
  s.write_stage.reset();
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

void CsvSync::set_source_validators(std::optional<std::string> etag, std::optional<std::string> last_modified) {
  impl_->options.source_etag = std::move(etag);
  impl_->options.source_last_modified = std::move(last_modified);
}

bool CsvSync::created() const { return impl_->created; }

nlohmann::json CsvSync::report() const { return impl_->report(); }

}  // namespace keel::datafeed
