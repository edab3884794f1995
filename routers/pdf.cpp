#include "routers/pdf.hpp"

#include "http/validation.hpp"
#include "http/credentials.hpp"
#include "routers/admin_bookings.hpp"
#include "routers/booking_access.hpp"
#include "routers/schemas.hpp"
#include "http/file/content_disposition.hpp"
#include "services/limits/async_semaphore.hpp"
#include "services/pdf/booking_pdf.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <fcntl.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <future>
#include <stdexcept>
#include <vector>

namespace keel {

namespace pdf_routes {

std::string format_minute_utc(std::int64_t epoch_seconds) {
  std::time_t tt = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

namespace {
// "2026-12-01T08:30:00.123Z" (the repository's created_at) -> "2026-12-01 08:30 UTC"
std::string iso_to_minute(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  std::string s = iso.substr(0, 16);
  s[10] = ' ';
  return s + " UTC";
}
}  // namespace

pdf::BookingRow row_from(const bookings::Booking& b) {
  pdf::BookingRow r;
  r.id = b.id;
  r.reference = bookings::reference_code(b.id);
  r.name = b.name;
  r.email = b.email;
  r.phone = b.phone.value_or("");
  r.service = b.service;
  r.starts_at = format_minute_utc(b.starts_at);
  r.duration_minutes = b.duration_minutes;
  r.status = b.status;
  r.notes = b.notes.value_or("");
  r.created_at = iso_to_minute(b.created_at);
  return r;
}

std::string filter_summary(const bookings::ListFilter& f) {
  std::string s = "Status: " + f.status.value_or("all") + " · Service: " + f.service.value_or("all") + " · Starts: ";
  if (f.from && f.to) s += "from " + format_minute_utc(*f.from) + " to " + format_minute_utc(*f.to);
  else if (f.from) s += "from " + format_minute_utc(*f.from);
  else if (f.to) s += "before " + format_minute_utc(*f.to);
  else s += "any time";
  return s;
}

RenderedFile render_to_unlinked_file(const std::string& tmp_dir,
                                     const std::function<void(const std::string& path)>& render) {
  std::string tmpl = tmp_dir + "/pdf-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int created = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
  if (created < 0) {
    const int err = errno;
    throw std::runtime_error("pdf: cannot create a temp file in " + tmp_dir + ": " + std::strerror(err));
  }
  ::close(created);  // the renderer writes its own file and renames it over this name
  const std::string path(name.data());
  struct Unlink {
    const std::string& path;
    ~Unlink() { ::unlink(path.c_str()); }
  } unlink_on_exit{path};  // on every path: the open descriptor is all that remains

  render(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw std::runtime_error("pdf: cannot open the rendered file " + path + ": " + std::strerror(err));
  }
  RenderedFile out;
  try {
    out.file = std::make_shared<OpenFile>(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    throw std::runtime_error("pdf: cannot stat the rendered file " + path + ": " + std::strerror(err));
  }
  out.size = static_cast<std::uint64_t>(st.st_size);
  return out;
}

Response pdf_response(RenderedFile f, const std::string& filename) {
  Response r;
  r.status = 200;
  r.headers.set("Content-Type", "application/pdf");
  r.headers.set("Content-Disposition", http_file::content_disposition_attachment(filename));
  r.headers.set("Cache-Control", "no-store");  // personal data
  r.headers.set("X-Content-Type-Options", "nosniff");
  FileBody body;
  body.file = std::move(f.file);
  body.segments.push_back(BodySegment{{}, 0, f.size});
  body.content_length = f.size;
  r.body = std::move(body);
  return r;
}

}  // namespace pdf_routes

namespace {

using namespace pdf_routes;

const std::vector<std::string> kAdminSecurity = {kAdminKeyScheme, kAdminBearerScheme};
const std::vector<std::string> kBookingSecurity = {kBookingTokenScheme, kAdminKeyScheme, kAdminBearerScheme};

// The report's query: one definition for validation and the OpenAPI document.
const validation::Model& report_query_model() {
  using validation::Field;
  using validation::Kind;
  static const validation::Model m{
      "BookingReportQuery",
      {
          Field{.name = "from", .kind = Kind::datetime, .required = false,
                .description = "starts_at on or after (ISO 8601 date or date-time)"},
          Field{.name = "to", .kind = Kind::datetime, .required = false,
                .description = "starts_at before (ISO 8601 date or date-time)"},
          Field{.name = "status", .kind = Kind::enumeration, .required = false, .enum_values = bookings::statuses()},
          Field{.name = "service", .required = false, .min_length = 1, .max_length = 80},
      }};
  return m;
}

ParamSpec id_doc() {
  return ParamSpec{.name = "id", .in = "path", .schema = {{"type", "integer"}}, .required = true, .description = "Booking id"};
}

ResponseSpec pdf_ok(std::string description) {
  return ResponseSpec{200, std::move(description), {{"type", "string"}, {"format", "binary"}}, "application/pdf"};
}

std::string today_utc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// libharu builds a whole document in many small allocations (about 1 KiB
// of page content per report row) and frees them at the end; glibc keeps
// those pages in the rendering thread's arena, so without a trim every
// blocking thread that once rendered a big report would hold its peak for
// good (two 100,000-row reports: 170 MiB resident afterwards instead of
// ~15 MiB). Giving them back costs a few milliseconds per rendering.
struct TrimWhenDone {
  TrimWhenDone() = default;
  TrimWhenDone(const TrimWhenDone&) = delete;
  TrimWhenDone& operator=(const TrimWhenDone&) = delete;
  ~TrimWhenDone() { ::malloc_trim(0); }
};

// What the handlers share.
struct PdfService {
  AppContext& ctx;
  AsyncSemaphore slots;
  pdf::Fonts fonts;
  std::chrono::steady_clock::duration wait;

  explicit PdfService(AppContext& c)
      : ctx(c),
        slots(c.pdf_slots),
        fonts{c.config.pdf_font, c.config.pdf_font_bold},
        wait(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(c.config.pdf_wait_s))) {}

  // A rendering slot, waiting in line; 503 when none frees up in time.
  awaitable<AsyncSemaphore::Permit> slot() {
    std::optional<AsyncSemaphore::Permit> p = co_await slots.acquire(wait);
    if (!p) {
      Headers h;
      h.set("Retry-After", "5");
      throw HttpError(503, "too many PDF renderings in progress, retry later", h);
    }
    co_return std::move(*p);
  }

  awaitable<Response> confirmation(const bookings::Booking& b) {
    AsyncSemaphore::Permit permit = co_await slot();
    const pdf::BookingRow row = row_from(b);
    const std::string issued_on = today_utc();
    const std::string tmp_dir = ctx.storage.tmp_dir();
    // The job refers to this frame (suspended until it is done) through
    // pointers only: see the g++ 12 note in services/db/pool.hpp.
    const pdf::BookingRow* rowp = &row;
    const std::string* issuedp = &issued_on;
    const std::string* dirp = &tmp_dir;
    const pdf::Fonts* fontsp = &fonts;
    auto job = [rowp, issuedp, dirp, fontsp] {
      TrimWhenDone trim;
      return render_to_unlinked_file(*dirp, [&](const std::string& path) {
        pdf::render_confirmation(*rowp, *issuedp, path, *fontsp);
      });
    };
    RenderedFile f = co_await run_blocking(ctx.blocking, job);
    permit.release();  // rendering done; sending needs no slot
    co_return pdf_response(std::move(f), "booking-" + std::to_string(b.id) + ".pdf");
  }

  // Runs on a blocking-pool thread inside render_report: fetches the next
  // keyset batch by running the repository's coroutine on the blocking pool
  // itself (not on the io threads, so a stopped io_context cannot leave this
  // thread waiting forever) and waiting for it here.
  struct BatchSource {
    AppContext& ctx;
    const bookings::ListFilter& filter;
    std::optional<bookings::Cursor> after;
    bool done = false;

    std::vector<pdf::BookingRow> operator()() {
      std::vector<pdf::BookingRow> rows;
      if (done) return rows;
      std::future<std::vector<bookings::Booking>> fut = boost::asio::co_spawn(
          ctx.blocking.executor(), ctx.bookings->batch_after(filter, after, kReportBatchRows), boost::asio::use_future);
      std::vector<bookings::Booking> batch = fut.get();
      if (batch.size() < static_cast<std::size_t>(kReportBatchRows)) done = true;
      if (!batch.empty()) after = bookings::Cursor{batch.back().starts_at, batch.back().id};
      rows.reserve(batch.size());
      for (const auto& b : batch) rows.push_back(row_from(b));
      return rows;
    }
  };

  awaitable<Response> report(const bookings::ListFilter& filter) {
    AsyncSemaphore::Permit permit = co_await slot();
    const pdf::ReportMeta meta{"Bookings report", filter_summary(filter), format_minute_utc(std::time(nullptr))};
    const std::string tmp_dir = ctx.storage.tmp_dir();
    AppContext* ctxp = &ctx;
    const bookings::ListFilter* filterp = &filter;
    const pdf::ReportMeta* metap = &meta;
    const std::string* dirp = &tmp_dir;
    const pdf::Fonts* fontsp = &fonts;
    auto job = [ctxp, filterp, metap, dirp, fontsp] {
      TrimWhenDone trim;  // declared first: runs after the batches and the document are freed
      BatchSource source{*ctxp, *filterp, std::nullopt};
      pdf::ReportStats stats;
      RenderedFile f = render_to_unlinked_file(*dirp, [&](const std::string& path) {
        stats = pdf::render_report(std::ref(source), *metap, path, *fontsp);
      });
      spdlog::debug("pdf report: {} bookings, {} pages, {} bytes", stats.rows, stats.pages, f.size);
      return f;
    };
    RenderedFile f = co_await run_blocking(ctx.blocking, job);
    permit.release();
    co_return pdf_response(std::move(f), "bookings-report.pdf");
  }
};

void warn_if_unreadable(const std::string& font, const char* var) {
  if (::access(font.c_str(), R_OK) != 0)
    spdlog::warn("{} {} is not readable: PDF routes will answer 500", var, font);
}

}  // namespace

void register_pdf_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  auto svc = std::make_shared<PdfService>(ctx);
  warn_if_unreadable(ctx.config.pdf_font, "KEEL_PDF_FONT");
  warn_if_unreadable(ctx.config.pdf_font_bold, "KEEL_PDF_FONT_BOLD");
  const std::string busy = "Every PDF rendering slot stayed busy for KEEL_PDF_WAIT_S (Retry-After), "
                           "or the database is unavailable";

  RouteSpec mine{.method = "GET", .path = "/api/bookings/{id:int}/pdf", .summary = "Download a booking confirmation",
                 .description = "A one-page PDF confirmation of the booking, for its token holder or an admin. "
                                "Rendered on demand; waits for a free rendering slot (KEEL_PDF_CONCURRENCY) up to "
                                "KEEL_PDF_WAIT_S, then answers 503.",
                 .tag = "bookings", .operation_id = "get_booking_pdf", .params = {id_doc()},
                 .security = kBookingSecurity};
  mine.responses = {pdf_ok("The confirmation (Content-Disposition: attachment; filename=\"booking-<id>.pdf\")"),
                    error_response(401, "No credentials"),
                    error_response(404, "No such booking, or the credentials do not grant it"),
                    error_response(422, "Validation error"),
                    error_response(500, "Rendering failed"),
                    error_response(503, busy)};
  router.add(mine, [svc](Request& req) -> awaitable<Response> {
    bookings::Booking b = co_await authorize_booking(req, svc->ctx, id_param(req));
    co_return co_await svc->confirmation(b);
  });

  RouteSpec admin{.method = "GET", .path = "/api/admin/bookings/{id:int}/pdf",
                  .summary = "Download a booking confirmation (admin)",
                  .description = "The same one-page PDF confirmation as /api/bookings/{id}/pdf.", .tag = "admin",
                  .operation_id = "admin_get_booking_pdf", .params = {id_doc()}, .security = kAdminSecurity};
  admin.responses = {pdf_ok("The confirmation (Content-Disposition: attachment; filename=\"booking-<id>.pdf\")"),
                     error_response(401, "No admin key"),
                     error_response(403, "Wrong admin key"),
                     error_response(404, "No such booking"),
                     error_response(422, "Validation error"),
                     error_response(500, "Rendering failed"),
                     error_response(503, "Admin access not configured, or " + busy)};
  router.add(admin, [svc](Request& req) -> awaitable<Response> {
    svc->ctx.require_db();
    std::optional<bookings::Booking> b = co_await svc->ctx.bookings->get(id_param(req));
    if (!b) throw HttpError(404, "booking not found");
    co_return co_await svc->confirmation(*b);
  });

  RouteSpec report{.method = "GET", .path = "/api/admin/bookings/report.pdf", .summary = "Download a bookings report",
                   .description = "Every booking matching the filters, in starts_at order, as a multi-page PDF table "
                                  "(40 rows a page, \"Page N of M\") ending with totals per status. Bookings are "
                                  "read in keyset batches of " +
                                  std::to_string(kReportBatchRows) +
                                  " rows, so any number of them renders in bounded memory. Waits for a free "
                                  "rendering slot up to KEEL_PDF_WAIT_S, then answers 503.",
                   .tag = "admin", .operation_id = "admin_bookings_report_pdf",
                   .params = schemas::query_params(report_query_model()), .security = kAdminSecurity};
  report.responses = {pdf_ok("The report (Content-Disposition: attachment; filename=\"bookings-report.pdf\")"),
                      error_response(401, "No admin key"),
                      error_response(403, "Wrong admin key"),
                      error_response(422, "Validation error"),
                      error_response(500, "Rendering failed"),
                      error_response(503, "Admin access not configured, or " + busy)};
  router.add(report, [svc](Request& req) -> awaitable<Response> {
    schemas::raise_if_invalid(report_query_model().validate_query(req.query));
    svc->ctx.require_db();
    const bookings::ListFilter filter = list_filter_from(req);
    co_return co_await svc->report(filter);
  });
}

}  // namespace keel
