#pragma once
// keel::pdf — booking PDFs rendered with libharu (no I/O besides the output
// file). Include this for the whole public API.
#include "services/pdf/booking_row.hpp"
#include "services/pdf/confirmation.hpp"
#include "services/pdf/render_error.hpp"
#include "services/pdf/report.hpp"
