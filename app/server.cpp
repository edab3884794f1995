#include "app/server.hpp"

#include "app/file_pieces.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <ctime>
#include <mutex>
#include <sys/sendfile.h>
#include <unordered_set>

namespace keel {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;     // whole header block -> 431
constexpr std::size_t kTargetLimit = 8 * 1024;      // request target -> 414
constexpr std::size_t kFirstRead = 1024;            // first read of a request, before the buffer grows
constexpr std::uint64_t kDrainLimit = 64 * 1024;    // unread body we still drain to keep the connection
constexpr std::uint64_t kLingerLimit = 64ull << 20;  // bytes discarded before closing on a still-sending client

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

// RFC 9110 Date header, formatted once per second per thread.
const std::string& http_date_now() {
  thread_local std::time_t last = 0;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    char buf[64];
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    text = buf;
    last = now;
  }
  return text;
}

bool body_allowed(int status) { return !(status < 200 || status == 204 || status == 304); }

std::string early_error_body(std::string_view detail) {
  return nlohmann::json{{"detail", detail}}.dump();
}

}  // namespace

// Per-connection state visible to shutdown (which runs on another thread):
// touched only on the connection's strand.
struct ConnState {
  beast::tcp_stream* stream = nullptr;
  bool busy = false;  // between a complete header and the end of its response
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(const Config& c, net::io_context& i, RequestHandler h) : cfg(c), io(i), handler(std::move(h)), acceptor(i) {}

  const Config& cfg;
  net::io_context& io;
  RequestHandler handler;
  tcp::acceptor acceptor;

  mutable std::mutex mu;
  std::unordered_set<std::shared_ptr<ConnState>> conns;
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<bool> stopping{false};
  std::function<void()> on_drained;
  std::unique_ptr<net::steady_timer> grace_timer;

  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);
  void reject_over_limit(tcp::socket& socket);
  void connection_closed(const std::shared_ptr<ConnState>& st);
  void close_idle_connections(bool force);
};

namespace {

// The lazy request body, read straight from the connection.
// Content-Length bodies bypass the parser: bytes left in the header buffer
// first, then reads directly into the caller's buffer (no extra copy).
// Chunked bodies go through Beast's parser with a caller-owned buffer_body.
class ConnBody final : public BodyReader {
 public:
  ConnBody(beast::tcp_stream& s, beast::flat_buffer& b, http::request_parser<http::buffer_body>& p,
           const Config& cfg)
      : stream_(s), buffer_(b), parser_(p), cfg_(cfg) {
    const auto& req = p.get();
    chunked_ = p.chunked();
    if (!chunked_) {
      auto cl = p.content_length();
      length_ = cl ? *cl : 0;
      has_length_ = cl.has_value();
      remaining_ = length_;
    }
    auto expect = req[http::field::expect];
    expect_continue_ = iequals(expect, "100-continue");
  }

  awaitable<std::size_t> read_some(std::span<char> buf) override {
    if (done() || buf.empty()) co_return 0;
    co_await maybe_send_continue();
    started_ = true;
    if (!chunked_) co_return co_await read_fixed(buf);
    co_return co_await read_chunked(buf);
  }

  bool done() const override { return chunked_ ? parser_.is_done() : remaining_ == 0; }
  std::optional<std::uint64_t> content_length() const override {
    return has_length_ ? std::optional<std::uint64_t>(length_) : std::nullopt;
  }
  bool chunked() const override { return chunked_; }
  bool expects_continue() const override { return expect_continue_; }
  bool continue_pending() const { return expect_continue_ && !continue_sent_; }
  bool broken() const { return broken_; }
  std::uint64_t remaining() const { return remaining_; }

  // Reads and discards what is left, up to `limit` bytes, within `timeout`.
  awaitable<bool> drain(std::uint64_t limit, std::chrono::steady_clock::duration timeout) {
    if (broken_) co_return false;
    if (done()) co_return true;
    if (continue_pending()) co_return false;  // the client is waiting for us: don't invite the body
    if (!chunked_ && remaining_ > limit) co_return false;
    char scratch[8192];
    std::uint64_t total = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    try {
      while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) co_return false;
        std::size_t n = co_await read_some(std::span<char>(scratch, sizeof scratch));
        total += n;
        if (total > limit) co_return false;
      }
    } catch (const std::exception&) {
      co_return false;
    }
    co_return true;
  }

 private:
  awaitable<void> maybe_send_continue() {
    if (!expect_continue_ || continue_sent_) co_return;
    continue_sent_ = true;
    static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(seconds(cfg_.idle_timeout_s));
    auto [ec, n] = co_await net::async_write(stream_, net::buffer(cont.data(), cont.size()), use_tuple);
    if (ec) fail_gone(ec);
  }

  [[noreturn]] void fail_gone(const boost::system::error_code& ec) {
    broken_ = true;
    if (ec == beast::error::timeout) throw HttpError(408, "timed out reading the request body");
    throw ClientGone("client went away: " + ec.message());
  }

  awaitable<std::size_t> read_fixed(std::span<char> buf) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), remaining_));
    if (buffer_.size() > 0) {
      std::size_t n = net::buffer_copy(net::buffer(buf.data(), want), buffer_.data());
      buffer_.consume(n);
      remaining_ -= n;
      co_return n;
    }
    stream_.expires_after(seconds(cfg_.idle_timeout_s));
    auto [ec, n] = co_await stream_.async_read_some(net::buffer(buf.data(), want), use_tuple);
    if (ec) fail_gone(ec);
    remaining_ -= n;
    co_return n;
  }

  awaitable<std::size_t> read_chunked(std::span<char> buf) {
    for (;;) {
      if (parser_.is_done()) co_return 0;
      auto& body = parser_.get().body();
      body.data = buf.data();
      body.size = buf.size();
      stream_.expires_after(seconds(cfg_.idle_timeout_s));
      auto [ec, n] = co_await http::async_read_some(stream_, buffer_, parser_, use_tuple);
      (void)n;
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        if (ec == beast::error::timeout || ec == net::error::eof || ec == http::error::end_of_stream ||
            ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == http::error::partial_message ||
            ec == net::error::operation_aborted)
          fail_gone(ec);
        broken_ = true;
        throw HttpError(400, "malformed chunked request body");
      }
      std::size_t got = buf.size() - parser_.get().body().size;
      if (got > 0 || parser_.is_done()) co_return got;
    }
  }

  beast::tcp_stream& stream_;
  beast::flat_buffer& buffer_;
  http::request_parser<http::buffer_body>& parser_;
  const Config& cfg_;
  bool chunked_ = false;
  bool has_length_ = false;
  std::uint64_t length_ = 0;
  std::uint64_t remaining_ = 0;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool started_ = false;
  bool broken_ = false;
};

// Fills a Request from the parsed header. Returns an error status and detail
// when the target is unacceptable.
std::optional<std::pair<int, std::string>> build_request(const http::request_parser<http::buffer_body>& parser,
                                                         Request& req) {
  const auto& h = parser.get();
  req.method = std::string(h.method_string());
  req.target = std::string(h.target());
  if (req.target.size() > kTargetLimit) return std::pair{414, std::string("request target too long")};
  auto parsed = boost::urls::parse_origin_form(req.target);
  if (!parsed) return std::pair{400, std::string("malformed request target")};
  const auto& u = *parsed;
  req.path = std::string(u.encoded_path());
  for (auto seg : u.segments()) req.segments.push_back(std::string(seg));
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto p : u.params(opts)) req.query.emplace_back(std::string(p.key), std::string(p.value));
  for (const auto& f : h) req.headers.add(std::string(f.name_string()), std::string(f.value()));
  return std::nullopt;
}

// Parses the request line length from raw bytes so a header over the limit
// can be told apart: a long target is 414, a large header block 431.
bool request_line_too_long(const beast::flat_buffer& buf) {
  auto data = buf.data();
  std::string_view sv(static_cast<const char*>(data.data()), data.size());
  auto eol = sv.find('\n');
  return (eol == std::string_view::npos ? sv.size() : eol) > kTargetLimit + 32;
}

}  // namespace

awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), use_tuple);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer t(io, 100ms);
      co_await t.async_wait(use_tuple);
      continue;
    }
    if (active.load() >= cfg.max_connections) {
      tcp::socket sock(std::move(socket));
      reject_over_limit(sock);
      continue;
    }
    ++active;
    tcp::socket sock(std::move(socket));  // keeps its strand inside any_io_executor
    auto ex = sock.get_executor();
    net::co_spawn(ex, session(std::move(sock)), net::detached);
  }
}

// Past KEEL_MAX_CONNECTIONS: a short 503 written without waiting, then close.
void Server::Impl::reject_over_limit(tcp::socket& socket) {
  ++rejected;
  static const std::string body = early_error_body("too many connections, retry later");
  static const std::string msg = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                                 "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(msg), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void Server::Impl::connection_closed(const std::shared_ptr<ConnState>& st) {
  std::function<void()> done;
  {
    std::lock_guard lk(mu);
    conns.erase(st);
    if (--active == 0 && stopping.load() && on_drained) {
      done = std::move(on_drained);
      if (grace_timer) grace_timer->cancel();
    }
  }
  if (done) done();
}

void Server::Impl::close_idle_connections(bool force) {
  std::vector<std::shared_ptr<ConnState>> snapshot;
  {
    std::lock_guard lk(mu);
    snapshot.assign(conns.begin(), conns.end());
  }
  for (auto& st : snapshot) {
    // Each connection's stream is touched only on its own strand.
    beast::tcp_stream* s = nullptr;
    {
      std::lock_guard lk(mu);
      s = st->stream;
    }
    if (!s) continue;
    net::post(s->get_executor(), [st, force] {
      if (st->stream && (force || !st->busy)) {
        boost::system::error_code ec;
        st->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
        st->stream->cancel();
      }
    });
  }
}

awaitable<void> Server::Impl::session(tcp::socket socket) {
  auto self = shared_from_this();
  auto st = std::make_shared<ConnState>();
  boost::system::error_code ignore;
  socket.set_option(tcp::no_delay(true), ignore);
  std::string remote;
  {
    auto ep = socket.remote_endpoint(ignore);
    if (!ignore) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::tcp_stream stream(std::move(socket));
  {
    std::lock_guard lk(mu);
    st->stream = &stream;
    conns.insert(st);
  }
  beast::flat_buffer buffer(kHeaderLimit + 1024);
  char first[kFirstRead];
  bool first_request = true;
  const auto conn_start = std::chrono::steady_clock::now();

  // Writes a JSON error the server itself decides (before any route runs).
  auto write_early = [&](int status, std::string_view detail) -> awaitable<void> {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::date, http_date_now());
    res.keep_alive(false);
    res.body() = early_error_body(detail);
    res.prepare_payload();
    stream.expires_after(5s);
    co_await http::async_write(stream, res, use_tuple);
  };

  for (;;) {
    if (stopping.load() && !first_request) break;
    // 1. Wait for the first bytes of a request with a small read, so an idle
    //    keep-alive connection holds no big buffer. The whole header must then
    //    arrive within the header timeout: counted from the connection's start
    //    for the first request, from its first byte for the next ones (the
    //    wait before it is the keep-alive idle timeout).
    if (buffer.size() == 0) {
      buffer.shrink_to_fit();
      if (first_request) stream.expires_at(conn_start + seconds(cfg.header_timeout_s));
      else stream.expires_after(seconds(cfg.idle_timeout_s));
      auto [ec, n] = co_await stream.async_read_some(net::buffer(first, sizeof first), use_tuple);
      if (ec) break;  // idle timeout, close, reset, shutdown: nothing to answer
      buffer.commit(net::buffer_copy(buffer.prepare(n), net::buffer(first, n)));
      if (!first_request) stream.expires_after(seconds(cfg.header_timeout_s));
    } else if (!first_request) {
      stream.expires_after(seconds(cfg.header_timeout_s));
    }

    // 2. The header.
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);  // routes enforce their own caps
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
    (void)hn;
    if (hec) {
      if (hec == beast::error::timeout) {
        // The stream has already closed the socket (Beast does on timeout):
        // like nginx, the slow client is cut off without an answer.
        spdlog::info("{} request header not received within {}s: connection closed", remote, cfg.header_timeout_s);
      } else if (hec == http::error::header_limit || hec == http::error::buffer_overflow) {
        if (request_line_too_long(buffer)) co_await write_early(414, "request target too long");
        else co_await write_early(431, "request header fields too large");
      } else if (hec == net::error::eof || hec == http::error::end_of_stream || hec == net::error::connection_reset ||
                 hec == net::error::operation_aborted || hec == http::error::partial_message) {
        // the client left
      } else {
        co_await write_early(400, std::string("malformed request: ") + hec.message());
      }
      break;
    }
    first_request = false;
    st->busy = true;

    Request req;
    req.remote = remote;
    if (auto bad = build_request(parser, req)) {
      co_await write_early(bad->first, bad->second);
      break;
    }
    if (parser.get().version() != 11 && parser.get().version() != 10) {
      co_await write_early(505, "HTTP version not supported");
      break;
    }
    ConnBody body(stream, buffer, parser, cfg);
    req.body = &body;
    const bool head = req.is_head();
    bool keep_alive = parser.get().keep_alive();

    // 3. The handler. ClientGone means nobody is listening: just close.
    Response res;
    bool gone = false;
    try {
      res = co_await handler(req);
    } catch (const ClientGone&) {
      gone = true;
    } catch (const std::exception& e) {
      // The middleware chain renders errors; this is the last resort.
      spdlog::error("{} {} unhandled: {}", req.method, req.path, e.what());
      res = Response::error(500, "Internal Server Error");
      res.close = true;
    }
    if (gone) break;

    // 4. Decide keep-alive: a body nobody read is drained when small,
    //    otherwise the connection closes after the response.
    bool linger = false;
    if (!body.done()) {
      if (body.broken() || body.continue_pending() || (!body.chunked() && body.remaining() > kDrainLimit) ||
          body.chunked()) {
        keep_alive = false;
        linger = !body.broken();
      }
    }
    if (res.close || stopping.load()) keep_alive = false;

    // 5. Write the response.
    http::response<http::empty_body> hdr{static_cast<http::status>(res.status), parser.get().version()};
    for (const auto& [k, v] : res.headers.fields()) hdr.insert(k, v);
    hdr.set(http::field::date, http_date_now());
    const bool send_body = !head && body_allowed(res.status);
    bool ok = true;
    stream.expires_after(seconds(cfg.idle_timeout_s));

    if (auto* s = std::get_if<std::string>(&res.body)) {
      if (body_allowed(res.status)) hdr.content_length(s->size());
      hdr.keep_alive(keep_alive);
      http::response<http::string_body> full{std::move(hdr.base())};
      if (send_body) full.body() = std::move(*s);
      http::serializer<false, http::string_body> sr(full);
      if (!send_body) {
        auto [ec, n] = co_await http::async_write_header(stream, sr, use_tuple);
        ok = !ec;
      } else {
        auto [ec, n] = co_await http::async_write(stream, sr, use_tuple);
        ok = !ec;
      }
    } else if (auto* f = std::get_if<FileBody>(&res.body)) {
      if (body_allowed(res.status)) hdr.content_length(f->content_length);
      hdr.keep_alive(keep_alive);
      http::serializer<false, http::empty_body> sr(hdr);
      auto [ec, n] = co_await http::async_write_header(stream, sr, use_tuple);
      ok = !ec;
      if (ok && send_body) {
        for (const auto& seg : f->segments) {
          if (!ok) break;
          if (!seg.literal.empty()) {
            stream.expires_after(seconds(cfg.idle_timeout_s));
            auto [wec, wn] = co_await net::async_write(stream, net::buffer(seg.literal), use_tuple);
            ok = !wec;
            continue;
          }
          // sendfile(2) in 64 KiB pieces: no user-space copy, no per-download buffer.
          auto& sock = stream.socket();
          sock.non_blocking(true, ignore);
          PieceCursor cur(seg.offset, seg.length);
          while (ok && !cur.done()) {
            off_t off = static_cast<off_t>(cur.offset());
            ssize_t w = ::sendfile(sock.native_handle(), f->file->fd(), &off, cur.next());
            if (w > 0) {
              cur.advance(static_cast<std::size_t>(w));
              continue;
            }
            if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
              using namespace net::experimental::awaitable_operators;
              net::steady_timer t(stream.get_executor(), seconds(cfg.idle_timeout_s));
              auto r = co_await (sock.async_wait(tcp::socket::wait_write, use_tuple) || t.async_wait(use_tuple));
              if (r.index() == 1 || std::get<0>(std::get<0>(r))) ok = false;
              continue;
            }
            ok = false;  // peer gone, or the file shrank under us: the length is broken, close
            if (w == 0) spdlog::warn("{} file shorter than announced; closing connection", req.path);
          }
        }
      }
    } else if (auto* sb = std::get_if<StreamBody>(&res.body)) {
      hdr.chunked(true);
      hdr.keep_alive(keep_alive);
      http::serializer<false, http::empty_body> sr(hdr);
      auto [ec, n] = co_await http::async_write_header(stream, sr, use_tuple);
      ok = !ec;
      if (ok && send_body) {
        for (;;) {
          std::optional<std::string> chunk;
          try {
            chunk = co_await sb->next();
          } catch (const std::exception& e) {
            spdlog::error("stream body of {} failed: {}", req.path, e.what());
            ok = false;  // cannot signal an error mid-chunked-body: close it short
            break;
          }
          stream.expires_after(seconds(cfg.idle_timeout_s));
          if (!chunk) {
            auto [cec, cn] = co_await net::async_write(stream, http::make_chunk_last(), use_tuple);
            ok = !cec;
            break;
          }
          if (chunk->empty()) continue;
          auto [cec, cn] = co_await net::async_write(stream, http::make_chunk(net::buffer(*chunk)), use_tuple);
          if (cec) {
            ok = false;
            break;
          }
        }
      }
    }
    st->busy = false;
    res = Response{};  // release files (temp files are unlinked here)
    if (!ok) break;

    if (linger) {
      // Let a client that is still sending read our answer: stop writing,
      // discard a bounded amount, then close (nginx's lingering close).
      stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
      // nginx's lingering_time is 30 s; 5 s and 64 MiB keep a slot bounded.
      stream.expires_after(5s);
      char sink[8192];
      std::uint64_t total = 0;
      while (total < kLingerLimit) {
        auto [lec, ln] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
        if (lec) break;
        total += ln;
      }
      break;
    }
    if (!keep_alive) break;
    if (!body.done()) {
      bool drained = co_await body.drain(kDrainLimit, seconds(cfg.header_timeout_s));
      if (!drained) break;
    }
  }

  stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
  stream.close();
  {
    std::lock_guard lk(mu);
    st->stream = nullptr;
  }
  connection_closed(st);
}

Server::Server(const Config& cfg, net::io_context& io, RequestHandler handler)
    : impl_(std::make_shared<Impl>(cfg, io, std::move(handler))) {}

Server::~Server() = default;

unsigned Server::start() {
  auto& a = impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address(impl_->cfg.host), static_cast<unsigned short>(impl_->cfg.port));
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  return a.local_endpoint().port();
}

void Server::shutdown(std::function<void()> on_drained) {
  auto impl = impl_;
  net::post(impl->io, [impl, on_drained = std::move(on_drained)]() mutable {
    if (impl->stopping.exchange(true)) return;
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    bool empty;
    {
      std::lock_guard lk(impl->mu);
      impl->on_drained = std::move(on_drained);
      empty = impl->active.load() == 0;
    }
    if (empty) {
      std::function<void()> done;
      {
        std::lock_guard lk(impl->mu);
        done = std::move(impl->on_drained);
      }
      if (done) done();
      return;
    }
    impl->close_idle_connections(false);
    impl->grace_timer = std::make_unique<net::steady_timer>(impl->io, seconds(impl->cfg.shutdown_grace_s));
    impl->grace_timer->async_wait([impl](boost::system::error_code wec) {
      if (wec || impl->active.load() == 0) return;
      // Grace is over: cut what is left and stop, whatever handlers still wait on.
      spdlog::warn("shutdown grace period over: closing {} connection(s)", impl->active.load());
      impl->close_idle_connections(true);
      std::function<void()> done;
      {
        std::lock_guard lk(impl->mu);
        done = std::move(impl->on_drained);
      }
      if (done) done();
    });
  });
}

ServerStats Server::stats() const {
  return ServerStats{impl_->active.load(), impl_->cfg.max_connections, impl_->rejected.load()};
}

}  // namespace keel
