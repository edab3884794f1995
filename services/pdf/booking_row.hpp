#pragma once
// Input types shared by the confirmation and the report renderers.
#include <cstdint>
#include <string>

namespace keel::pdf {

// All text is already formatted by the caller (dates, times, time zone).
// Text is UTF-8; invalid sequences are shown as U+FFFD, characters outside
// the Basic Multilingual Plane (e.g. emoji) as U+FFFD, control characters as
// spaces. Characters DejaVu Sans lacks (e.g. CJK) render as an empty box but
// still extract correctly as text.
struct BookingRow {
  std::int64_t id = 0;
  std::string reference;
  std::string name;
  std::string email;
  std::string phone;
  std::string service;
  std::string starts_at;  // e.g. "2026-12-01 09:30 UTC"
  std::string ends_at;    // the confirmation's; empty in report rows
  int duration_minutes = 0;
  std::string status;
  std::string notes;
  std::string created_at;
  std::string calendar_uid;  // the .ics UID (booking-<id>@keel); the confirmation's
};

// TrueType files, embedded (subset) into every PDF. Each is loaded once per
// document.
struct Fonts {
  std::string regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
};

}  // namespace keel::pdf
