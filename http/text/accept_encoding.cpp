#include "http/text/accept_encoding.hpp"

#include "http/text/ascii.hpp"

#include <optional>

namespace keel::text {

namespace {

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ): true when above 0.
bool q_positive(std::string_view q) {
  if (q.empty() || q.size() > 5) return false;
  if (q[0] != '0' && q[0] != '1') return false;
  if (q.size() == 1) return q[0] == '1';
  if (q[1] != '.') return false;
  bool any_nonzero = q[0] == '1';
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9') return false;
    if (q[0] == '1' && c != '0') return false;
    if (c != '0') any_nonzero = true;
  }
  return any_nonzero;
}

// An entry "coding *( OWS ; OWS param )": its coding and whether its q is above 0.
struct Entry {
  std::string_view coding;
  bool positive = true;
};

Entry parse_entry(std::string_view e) {
  Entry out;
  const auto semi = e.find(';');
  out.coding = trim(e.substr(0, semi));
  if (semi == std::string_view::npos) return out;
  std::string_view params = e.substr(semi + 1);
  while (!params.empty()) {
    const auto next = params.find(';');
    const std::string_view p = trim(params.substr(0, next));
    const auto eq = p.find('=');
    if (eq != std::string_view::npos && iequals(trim(p.substr(0, eq)), "q")) out.positive = q_positive(trim(p.substr(eq + 1)));
    if (next == std::string_view::npos) break;
    params = params.substr(next + 1);
  }
  return out;
}

}  // namespace

bool accepts_coding(std::string_view header, std::string_view coding) {
  std::optional<bool> listed, star;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const Entry e = parse_entry(header.substr(0, comma));
    const bool is_coding = iequals(e.coding, coding) || (coding == "gzip" && iequals(e.coding, "x-gzip"));
    if (is_coding) listed = listed.value_or(false) || e.positive;
    if (e.coding == "*") star = e.positive;
    if (comma == std::string_view::npos) break;
    header = header.substr(comma + 1);
  }
  if (listed) return *listed;
  return star.value_or(false);
}

}  // namespace keel::text
