#include "http/response_head.hpp"

#include "http/text/ascii.hpp"

#include <charconv>

namespace keel {

namespace {

// The framing fields are the server's to write: handlers' copies are dropped.
bool server_owned(std::string_view name) {
  switch (name.size()) {
    case 4:
      return text::iequals(name, "Date");
    case 10:
      return text::iequals(name, "Connection");
    case 14:
      return text::iequals(name, "Content-Length");
    case 17:
      return text::iequals(name, "Transfer-Encoding");
    default:
      return false;
  }
}

// No CR or LF from a handler's value may reach the wire (response splitting).
void append_clean(std::string& out, std::string_view v) {
  const std::size_t start = out.size();
  out.append(v);
  // One pass over the copy (values are short: cheaper than two memchr).
  for (std::size_t i = start; i < out.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
}

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

}  // namespace

Framing framing_for(const Response& res, unsigned version) {
  if (!body_allowed(res.status)) return {};
  if (auto* s = std::get_if<std::string>(&res.body)) return {Framing::length, s->size()};
  if (auto* f = std::get_if<FileBody>(&res.body)) return {Framing::length, f->content_length};
  if (version == 11) return {Framing::chunked};
  return {};
}

void write_response_head(std::string& out, int status, unsigned version, const Headers& fields, std::string_view date,
                         Framing framing, bool keep_alive, std::string_view request_id) {
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, static_cast<std::uint64_t>(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append("\r\n");
  for (const auto& [name, value] : fields.fields()) {
    if (server_owned(name)) continue;
    if (!request_id.empty() && name.size() == 12 && text::iequals(name, "X-Request-ID")) continue;
    append_clean(out, name);
    out.append(": ");
    append_clean(out, value);
    out.append("\r\n");
  }
  if (!request_id.empty()) {
    out.append("X-Request-ID: ");
    out.append(request_id);
    out.append("\r\n");
  }
  out.append("Date: ");
  out.append(date);
  out.append("\r\n");
  if (framing.kind == Framing::length) {
    out.append("Content-Length: ");
    append_number(out, framing.content_length);
    out.append("\r\n");
  } else if (framing.kind == Framing::chunked) {
    out.append("Transfer-Encoding: chunked\r\n");
  }
  if (version == 10) {
    if (keep_alive) out.append("Connection: keep-alive\r\n");
  } else if (!keep_alive) {
    out.append("Connection: close\r\n");
  }
  out.append("\r\n");
}

}  // namespace keel
