#pragma once
// Header values with parameters, `value *( OWS ";" OWS name OWS "=" OWS
// ( token / quoted-string ) )` (RFC 9110 §5.6.6), as in Content-Type and
// Content-Disposition; RFC 8187 extended values (filename*=UTF-8''...); and
// the file name of a Content-Disposition (RFC 6266 §4.3).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::text {

struct HeaderParam {
  std::string name;   // lower-cased
  std::string value;  // without quotes and escapes
};

struct ParamHeader {
  std::string_view value;  // before the first ';', OWS trimmed: a view into the parsed text
  std::vector<HeaderParam> params;
  const HeaderParam* find(std::string_view lower_name) const;
};

// nullopt when malformed: no value, a parameter that is not name=value, an
// unclosed quoted-string, a control character, or a name given twice (two
// readers could pick different ones). Unquoted values are read leniently
// (anything but separators, whitespace and controls). In a quoted-string a
// backslash escapes only '"' and '\', so that Windows paths such as
// "C:\dir\a.txt" survive (as Go's mime package does).
std::optional<ParamHeader> parse_param_header(std::string_view s);

// A multipart boundary as RFC 2046 §5.1.1 allows it: 1..70 bchars (digits,
// letters, '()+_,-./:=? and space), not ending in a space.
bool valid_multipart_boundary(std::string_view boundary);

// RFC 8187 ext-value: charset "'" [language] "'" percent-encoded bytes.
struct ExtValue {
  enum Status {
    ok,
    malformed,        // no charset'language' prefix, or a bad percent escape
    unknown_charset,  // neither UTF-8 nor ISO-8859-1: to be ignored (RFC 6266 §4.3)
    not_utf8,         // UTF-8 declared, but the bytes are not (overlong, surrogate, ...)
  };
  Status status = ok;
  std::string value;  // UTF-8, when ok
};
ExtValue decode_ext_value(std::string_view v);
// "UTF-8''" + the percent-encoded bytes of `utf8`.
std::string encode_ext_value(std::string_view utf8);

// The file name a Content-Disposition gives: filename* when it decodes, else
// filename (directory parts kept). A filename* in an unknown charset is
// ignored. One that is malformed or not UTF-8 gives way to filename when there
// is one (the name the sender wrote for recipients that cannot read
// filename*); without one it is refused: `problem` says why, in printable
// ASCII.
struct DispositionFilename {
  std::optional<std::string> name;
  std::optional<std::string> problem;
};
DispositionFilename disposition_filename(const ParamHeader& header);

}  // namespace keel::text
