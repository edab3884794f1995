#pragma once
// ASCII text of protocols (header names, tokens, parameters, config lists):
// no locale, and bytes >= 0x80 are never letters, whitespace or controls.
#include <string>
#include <string_view>

namespace keel::text {

// RFC 9110 OWS: space and horizontal tab.
inline constexpr std::string_view kOws = " \t";
// Every ASCII whitespace character (what isspace means in the C locale).
inline constexpr std::string_view kWhitespace = " \t\n\v\f\r";

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_whitespace(char c) { return kWhitespace.find(c) != std::string_view::npos; }
// CTL (RFC 5234): 0x00-0x1F and DEL.
constexpr bool is_ctl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
// tchar (RFC 9110 §5.6.2): the characters of a token.
bool is_tchar(char c);

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// s without the leading and trailing characters that are in `chars`.
std::string_view trim(std::string_view s, std::string_view chars = kOws);
// s without the leading characters that are in `chars`.
std::string_view trim_start(std::string_view s, std::string_view chars = kOws);
// s without the trailing characters that are in `chars`.
std::string_view trim_end(std::string_view s, std::string_view chars = kOws);

}  // namespace keel::text
