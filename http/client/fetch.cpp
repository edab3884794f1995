#include "http/client/fetch.hpp"

#include "http/client/fetch_error.hpp"
#include "http/client/fetch_url.hpp"
#include "http/client/tls_client.hpp"
#include "http/codec/gzip_inflate.hpp"
#include "http/text/ascii.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <memory>

namespace keel {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kReadBuffer = 64 << 10;  // bytes read from the socket at most at once
constexpr std::size_t kHeadLimit = 64 << 10;   // the response head
constexpr std::size_t kPiece = 64 << 10;       // raw body bytes parsed at most at once
constexpr std::size_t kErrorBody = 4 << 10;    // kept of a non-2xx body

std::string seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// Request fields the client sets itself.
bool is_own_field(std::string_view name) {
  for (std::string_view own : {"Host", "Connection", "Accept-Encoding", "Content-Length", "Transfer-Encoding", "TE"}) {
    if (text::iequals(name, own)) return true;
  }
  return false;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// One fetch's state across its hops (redirects).
class Fetch {
 public:
  explicit Fetch(FetchRequest req) : req_(std::move(req)), end_(Clock::now() + req_.total_timeout) {
    for (const auto& [name, value] : req_.headers) {
      if (name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos || is_own_field(name)) {
        throw std::invalid_argument("fetch: bad request header " + name);
      }
    }
  }

  awaitable<FetchResult> run() {
    std::string url = req_.url;
    const std::string first_origin = origin(parse_fetch_url(url));
    for (;;) {
      const FetchTarget target = parse_fetch_url(url);
      result_ = FetchResult{.final_url = target.url, .redirects = result_.redirects};
      auto location = co_await hop(target, origin(target) == first_origin);
      if (!location) co_return std::move(result_);
      if (result_.redirects >= req_.max_redirects) {
        throw FetchError(FetchError::Kind::redirects, "more than " + std::to_string(req_.max_redirects) +
                                                          " redirects (the last from " +
                                                          url_without_credentials(target.url) + ")");
      }
      url = resolve_location(target.url, *location);
      ++result_.redirects;
    }
  }

 private:
  static std::string origin(const FetchTarget& t) {
    return std::string(t.https ? "https://" : "http://") + t.host + ":" + std::to_string(t.port);
  }

  // How long the next step may take: `step`, or less when the whole fetch's
  // time runs out first.
  Clock::duration step(std::chrono::milliseconds step) const {
    const auto left = end_ - Clock::now();
    if (left <= Clock::duration::zero()) throw total_timeout();
    return std::min<Clock::duration>(step, left);
  }

  FetchError total_timeout() const {
    return FetchError(FetchError::Kind::timeout, "timed out: the fetch took over " + seconds(req_.total_timeout));
  }

  // Throws the error `ec` of a step `during` ("connect to host:port"), whose
  // time limit was `limit`; `kind` when no more telling kind applies.
  [[noreturn]] void fail(const error_code& ec, const std::string& during, std::chrono::milliseconds limit,
                         FetchError::Kind kind = FetchError::Kind::reset) const {
    using Kind = FetchError::Kind;
    if (ec == beast::error::timeout) {
      if (Clock::now() >= end_ - std::chrono::milliseconds(5)) throw total_timeout();
      throw FetchError(Kind::timeout, during + ": timed out (nothing for " + seconds(limit) + ")");
    }
    if (ec == net::error::operation_aborted) throw FetchError(Kind::cancelled, during + ": cancelled");
    if (ec == http::error::header_limit) {
      throw FetchError(Kind::too_large,
                       during + ": response head too large (over " + std::to_string(kHeadLimit >> 10) + " KiB)");
    }
    if (ec == net::error::connection_reset || ec == net::error::broken_pipe) {
      throw FetchError(Kind::reset, during + ": connection reset by the peer");
    }
    if (ec == net::error::eof || ec == http::error::partial_message || ec == http::error::end_of_stream ||
        ec == ssl::error::stream_truncated) {
      throw FetchError(Kind::reset, during + ": the peer closed the connection before the response ended");
    }
    if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
      throw FetchError(Kind::malformed, during + ": malformed response (" + ec.message() + ")");
    }
    throw FetchError(kind, during + ": " + ec.message());
  }

  awaitable<std::optional<std::string>> hop(const FetchTarget& t, bool same_origin) {
    auto ex = co_await net::this_coro::executor;
    where_ = t.host_header;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(t.host, std::to_string(t.port), kTuple);
    if (rec == net::error::operation_aborted) throw FetchError(FetchError::Kind::cancelled, "cancelled");
    if (rec) throw FetchError(FetchError::Kind::dns, "cannot resolve " + t.host + ": " + rec.message());
    if (t.https) {
      ssl::context ctx = make_client_tls_context(req_.ca_file);
      ssl::stream<beast::tcp_stream> stream(ex, ctx);
      co_await connect(stream.next_layer(), endpoints);
      expect_peer(stream.native_handle(), t.host);
      stream.next_layer().expires_after(step(req_.connect_timeout));
      auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
      if (hec == beast::error::timeout || hec == net::error::operation_aborted) {
        fail(hec, "TLS handshake with " + where_, req_.connect_timeout);
      }
      if (hec) {
        throw FetchError(FetchError::Kind::tls,
                         "TLS handshake with " + where_ + " failed: " + tls_failure(stream.native_handle(), hec));
      }
      co_return co_await exchange(stream, stream.next_layer(), t, same_origin);
    }
    beast::tcp_stream stream(ex);
    co_await connect(stream, endpoints);
    co_return co_await exchange(stream, stream, t, same_origin);
  }

  awaitable<void> connect(beast::tcp_stream& stream, const tcp::resolver::results_type& endpoints) {
    stream.expires_after(step(req_.connect_timeout));
    auto [ec, endpoint] = co_await stream.async_connect(endpoints, kTuple);
    if (ec) fail(ec, "connect to " + where_, req_.connect_timeout, FetchError::Kind::connect);
  }

  http::request<http::empty_body> request_for(const FetchTarget& t, bool same_origin) const {
    http::request<http::empty_body> r{http::verb::get, t.target, 11};
    r.set(http::field::host, t.host_header);
    r.set(http::field::user_agent, "keel/" KEEL_VERSION);
    r.set(http::field::connection, "close");
    if (req_.accept_gzip) r.set(http::field::accept_encoding, "gzip");
    if (!t.authorization.empty()) r.set(http::field::authorization, t.authorization);
    for (const auto& [name, value] : req_.headers) {
      // Credentials meant for the first origin do not follow a redirect elsewhere.
      if (!same_origin && (text::iequals(name, "Authorization") || text::iequals(name, "Cookie"))) continue;
      r.set(name, value);
    }
    return r;
  }

  template <class Stream>
  awaitable<std::optional<std::string>> exchange(Stream& stream, beast::tcp_stream& tcp, const FetchTarget& t,
                                                 bool same_origin) {
    const std::string reading = "reading the response from " + where_;
    auto request = request_for(t, same_origin);
    tcp.expires_after(step(req_.idle_timeout));
    auto [wec, written] = co_await http::async_write(stream, request, kTuple);
    if (wec) fail(wec, "sending the request to " + where_, req_.idle_timeout);

    beast::flat_buffer buffer(kReadBuffer + kHeadLimit);
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(kHeadLimit);
    parser.body_limit(boost::none);  // the decoded body is capped instead
    tcp.expires_after(step(req_.idle_timeout));
    auto [hec, head_bytes] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (hec) fail(hec, reading, req_.idle_timeout);

    const auto& head = parser.get();
    result_.status = static_cast<int>(head.result_int());
    result_.reason = std::string(head.reason());
    result_.headers.clear();
    for (const auto& field : head) result_.headers.emplace_back(field.name_string(), field.value());
    if (is_redirect(result_.status)) {
      if (auto location = result_.header("Location")) co_return location;
    }
    start_body(head[http::field::content_encoding], parser.content_length());

    std::unique_ptr<char[]> piece(new char[kPiece]);
    while (!parser.is_done() && (result_.ok() || result_.error_body.size() < kErrorBody)) {
      parser.get().body().data = piece.get();
      parser.get().body().size = kPiece;
      tcp.expires_after(step(req_.idle_timeout));
      auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kTuple);
      if (ec == ssl::error::stream_truncated && !parser.chunked() && !parser.content_length()) {
        parser.put_eof(ec);  // a TLS peer that ends a close-delimited body without close_notify
      }
      if (ec && ec != http::error::need_buffer) fail(ec, reading, req_.idle_timeout);
      take(std::string_view(piece.get(), kPiece - parser.get().body().size));
    }
    if (parser.is_done() && gzip_ && result_.received_bytes > 0) finish_gzip();
    co_return std::nullopt;
  }

  void start_body(std::string_view content_encoding, boost::optional<std::uint64_t> length) {
    gzip_.reset();
    const std::string coding = text::to_lower(text::trim(content_encoding));
    if (coding == "gzip" || coding == "x-gzip") {
      gzip_ = std::make_unique<GzipInflate>();
    } else if (!coding.empty() && coding != "identity") {
      throw FetchError(FetchError::Kind::bad_encoding, "unsupported Content-Encoding from " + where_ + ": " + coding);
    } else if (result_.ok() && length && *length > req_.max_body_bytes) {
      throw too_large();
    }
  }

  FetchError too_large() const {
    return FetchError(FetchError::Kind::too_large, "response body from " + where_ + " too large (over " +
                                                       std::to_string(req_.max_body_bytes) + " bytes)");
  }

  // Raw body bytes: inflated when gzip, then handed on.
  void take(std::string_view raw) {
    if (raw.empty()) return;
    result_.received_bytes += raw.size();
    if (!gzip_) return deliver(raw);
    try {
      gzip_->feed(raw, [this](std::string_view decoded) { deliver(decoded); });
    } catch (const GzipError& e) {
      throw FetchError(FetchError::Kind::bad_encoding, "body from " + where_ + ": " + e.what());
    }
  }

  void finish_gzip() {
    try {
      gzip_->finish();
    } catch (const GzipError& e) {
      throw FetchError(FetchError::Kind::bad_encoding, "body from " + where_ + ": " + e.what());
    }
  }

  void deliver(std::string_view decoded) {
    if (!result_.ok()) {
      const std::size_t room = kErrorBody - std::min(kErrorBody, result_.error_body.size());
      result_.error_body.append(decoded.substr(0, room));
      return;
    }
    if (decoded.size() > req_.max_body_bytes - result_.body_bytes) throw too_large();
    result_.body_bytes += decoded.size();
    if (req_.on_body) req_.on_body(decoded);
  }

  FetchRequest req_;
  Clock::time_point end_;
  FetchResult result_;
  std::string where_;  // host[:port] of the current hop, for messages
  std::unique_ptr<GzipInflate> gzip_;
};

}  // namespace

std::optional<std::string> FetchResult::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (text::iequals(n, name)) return v;
  }
  return std::nullopt;
}

awaitable<FetchResult> fetch(FetchRequest req) {
  auto state = std::make_unique<Fetch>(std::move(req));
  std::optional<FetchError> cancelled;
  try {
    co_return co_await state->run();
  } catch (const boost::system::system_error& e) {
    // Asio's own cancellation of the awaiting coroutine.
    if (e.code() != net::error::operation_aborted) throw;
    cancelled.emplace(FetchError::Kind::cancelled, "cancelled");
  }
  throw *cancelled;
}

awaitable<FetchedString> fetch_string(FetchRequest req) {
  FetchedString out;
  req.on_body = [&out](std::string_view piece) { out.body.append(piece); };
  out.result = co_await fetch(std::move(req));
  co_return out;
}

}  // namespace keel
