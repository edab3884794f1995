#include "http/text/percent.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/alnum_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/pct_string_view.hpp>

namespace keel::text {

std::optional<std::string> percent_decode(std::string_view s) {
  auto pct = boost::urls::make_pct_string_view(s);
  if (!pct) return std::nullopt;
  return pct->decode();
}

std::string percent_encode_attr_chars(std::string_view s) {
  namespace grammar = boost::urls::grammar;
  static constexpr grammar::lut_chars kAttrChars = grammar::lut_chars(grammar::alnum_chars) + "!#$&+-.^_`|~";
  return boost::urls::encode(s, kAttrChars);
}

}  // namespace keel::text
