#pragma once
// Booking PDFs on demand: a booking's confirmation and the bookings report.
//
// Rendering (libharu, services/pdf) runs on the blocking pool into a mkstemp
// file under KEEL_DATA_DIR/tmp, which is opened and unlinked at once
// (unlinked_file.hpp). At most KEEL_PDF_CONCURRENCY renderings run at once;
// others wait in line up to KEEL_PDF_WAIT_S, then get 503 + Retry-After.
// The report reads bookings in keyset batches, so no result set is ever
// held whole.
#include "services/bookings/model.hpp"
#include "services/context.hpp"
#include "services/limits/async_semaphore.hpp"
#include "services/pdf/booking_row.hpp"
#include "services/storage/opened_file.hpp"

#include <chrono>

namespace keel::pdf {

inline constexpr int kReportBatchRows = 500;

class BookingDocuments {
 public:
  // Warns, once, when a configured font is not readable (renderings would fail).
  explicit BookingDocuments(AppContext& ctx);

  // Each waits for a rendering slot (HttpError 503 when none frees up in
  // time); the slot is released once rendering is done, before sending.
  awaitable<storage::OpenedFile> confirmation(const bookings::Booking& b);
  awaitable<storage::OpenedFile> report(const bookings::ListFilter& filter);

 private:
  awaitable<AsyncSemaphore::Permit> slot();

  AppContext& ctx_;
  AsyncSemaphore slots_;
  Fonts fonts_;
  std::chrono::steady_clock::duration wait_;
};

}  // namespace keel::pdf
