#include "services/uploads/names.hpp"

#include "http/http.hpp"
#include "http/text/ascii.hpp"
#include "http/text/header_params.hpp"
#include "http/text/percent.hpp"
#include "http/text/utf8.hpp"

#include <cctype>

namespace keel::uploads {

std::string clean_filename(std::string_view raw) {
  auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw = raw.substr(slash + 1);
  std::string out;
  for (char c : raw)
    if (!text::is_ctl(c)) out += c;
  if (!text::valid_utf8(out)) {
    std::string ascii;
    for (char c : out)
      if (static_cast<unsigned char>(c) < 0x80) ascii += c;
    out = ascii;
  }
  out = std::string(text::trim(out));
  if (out == "." || out == "..") out.clear();
  if (out.size() > 255) {
    std::size_t cut = 255;
    while (cut > 0 && text::is_utf8_continuation(out[cut])) --cut;
    out.resize(cut);
  }
  return out.empty() ? "upload" : out;
}

std::optional<std::string> filename_from_x_filename(std::string_view value) {
  auto d = text::percent_decode(text::trim(value));
  if (!d || d->empty()) return std::nullopt;
  // Refused rather than cleaned up: the client meant some name, and a
  // guess at it (or the database's refusal of the bytes) helps nobody.
  if (!text::valid_utf8(*d)) throw HttpError(400, "X-Filename is not valid UTF-8 once percent-decoded");
  return clean_filename(*d);
}

std::optional<std::string> filename_from_content_disposition(std::string_view v) {
  const auto header = text::parse_param_header(v);
  if (!header) return std::nullopt;
  auto filename = text::disposition_filename(*header);
  if (filename.problem) throw HttpError(400, "Content-Disposition " + *filename.problem);
  if (!filename.name || filename.name->empty()) return std::nullopt;
  return clean_filename(*filename.name);
}

bool valid_upload_id(std::string_view id) {
  if (id.size() < 22 || id.size() > 43) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace keel::uploads
