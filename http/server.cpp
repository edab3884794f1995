#include "http/server.hpp"

#include "http/file_pieces.hpp"
#include "http/request_arena.hpp"
#include "http/request_parser.hpp"
#include "http/response_head.hpp"
#include "http/text/ascii.hpp"
#include "http/text/http_date.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <malloc.h>
#include <memory_resource>
#include <mutex>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unordered_set>

namespace keel {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
// A socket bound to its io_context's concrete executor (no type-erased
// executor on every operation).
using Socket = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;     // whole header block -> 431
constexpr std::size_t kTargetLimit = 8 * 1024;      // request target -> 414
constexpr std::size_t kReadSize = 4096;             // one read of header bytes
constexpr std::size_t kKeepBuffer = 4096;           // an idle connection keeps at most this much buffer
constexpr std::uint64_t kDrainLimit = 64 * 1024;    // unread body we still drain to keep the connection
constexpr std::uint64_t kLingerLimit = 64ull << 20;  // bytes discarded before closing on a still-sending client
// A request's header fields live in a RequestArena: 1 KiB of it in the
// connection's frame, a bigger header one heap block until the request ends
// (at most 16 KiB of header + 100 fields of bookkeeping, ~25 KiB).

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// RFC 9110 Date header, formatted once per second per thread.
const std::string& http_date_now() {
  thread_local std::time_t last = 0;
  thread_local std::string formatted;
  std::time_t now = std::time(nullptr);
  if (now != last) {
    formatted = text::format_http_date(now);
    last = now;
  }
  return formatted;
}

bool body_allowed(int status) { return !(status < 200 || status == 204 || status == 304); }

std::string early_error_body(std::string_view detail) {
  return nlohmann::json{{"detail", detail}}.dump();
}

}  // namespace

// One connection: its socket and its deadline. Owned by the session
// coroutine and touched only on its worker's thread. An I/O step sets the
// deadline before it starts and clears it when done (two stores, no timer
// operation); the worker's sweeper closes the socket of a connection whose
// deadline has passed, which ends the pending operation with an error.
struct Conn {
  explicit Conn(Socket s) : socket(std::move(s)) {}
  Socket socket;
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
  bool busy = false;  // between a complete header and the end of its response

  void expires_after(Clock::duration d) { deadline = Clock::now() + d; }
  void expires_at(Clock::time_point t) { deadline = t; }
  void expires_never() { deadline = Clock::time_point::max(); }
};

// Per io thread: its connections and the sweeper that enforces deadlines.
// The sweeper ticks only while the thread has connections.
struct Worker {
  Worker(net::io_context& c, Clock::duration t) : io(c), tick(t) { timer.emplace(c); }
  net::io_context& io;
  std::optional<net::steady_timer> timer;  // released with the server (release_io)
  Clock::duration tick;
  std::unordered_set<Conn*> conns;
  bool sweeping = false;

  void add(Conn* c) {
    conns.insert(c);
    if (!sweeping) {
      sweeping = true;
      arm();
    }
  }
  void remove(Conn* c) { conns.erase(c); }
  void arm() {
    if (!timer) {
      sweeping = false;
      return;
    }
    timer->expires_after(tick);
    timer->async_wait([this](boost::system::error_code ec) {
      if (ec) {
        sweeping = false;
        return;
      }
      sweep();
    });
  }
  void sweep() {
    if (conns.empty()) {
      sweeping = false;
      return;
    }
    const auto now = Clock::now();
    for (Conn* c : conns) {
      if (c->deadline <= now && !c->timed_out) {
        c->timed_out = true;
        boost::system::error_code ec;
        c->socket.close(ec);
      }
    }
    arm();
  }
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(ServerOptions c, IoPool& p, RequestHandler h) : cfg(std::move(c)), ios(p), handler(std::move(h)) {
    acceptor.emplace(p.main());
    // Deadlines are enforced to within a fifth of the shortest timeout
    // (at most 250 ms late).
    auto shortest = seconds(std::min(cfg.header_timeout_s, cfg.idle_timeout_s));
    auto tick = std::clamp<Clock::duration>(shortest / 5, 10ms, 250ms);
    for (std::size_t i = 0; i < ios.size(); ++i) workers.push_back(std::make_unique<Worker>(ios.at(i), tick));
  }

  const ServerOptions cfg;
  IoPool& ios;
  RequestHandler handler;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::unique_ptr<Worker>> workers;
  std::size_t next_worker = 0;  // used by the accept loop only

  std::mutex mu;  // on_drained, grace_timer
  std::atomic<std::size_t> active{0};
  std::atomic<std::int64_t> last_trim_ms{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<bool> stopping{false};
  std::function<void()> on_drained;
  std::unique_ptr<net::steady_timer> grace_timer;

  awaitable<void> accept_loop();
  awaitable<void> session(Worker& w, Socket socket);
  void reject_over_limit(Socket& socket);
  void connection_closed();
  void close_idle_connections(bool force);
  void finish_drained();

  // The I/O objects this Impl owns (acceptor, grace timer, the workers'
  // sweep timers) must go while their io_contexts exist. Handlers and
  // coroutine frames still queued when the io threads stop hold a reference
  // to the Impl and are destroyed with the contexts, one context after the
  // other: whichever drops the last reference must find no I/O object of a
  // context already gone. Called by ~Server, once the io threads are done.
  void release_io() {
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    acceptor.reset();
    {
      std::lock_guard lk(mu);
      grace_timer.reset();
    }
    for (auto& w : workers) w->timer.reset();
  }
};

namespace {

// The lazy request body, read straight from the connection.
// Content-Length bodies bypass the parser: bytes left in the header buffer
// first, then reads directly into the caller's buffer (no extra copy).
// Chunked bodies go through the parser, into the caller's buffer.
class ConnBody final : public BodyReader {
 public:
  ConnBody(Conn& c, beast::flat_buffer& b, RequestParser& p, const Request& req, const ServerOptions& cfg)
      : conn_(c), buffer_(b), parser_(p), cfg_(cfg) {
    chunked_ = p.chunked();
    if (!chunked_) {
      auto cl = p.content_length();
      length_ = cl ? *cl : 0;
      has_length_ = cl.has_value();
      remaining_ = length_;
    }
    auto expect = req.headers.get("Expect");
    expect_continue_ = expect && text::iequals(*expect, "100-continue");
  }

  awaitable<std::size_t> read_some(std::span<char> buf) override {
    if (done() || buf.empty()) co_return 0;
    co_await maybe_send_continue();
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
  awaitable<bool> drain(std::uint64_t limit, Clock::duration timeout) {
    if (broken_) co_return false;
    if (done()) co_return true;
    if (continue_pending()) co_return false;  // the client is waiting for us: don't invite the body
    if (!chunked_ && remaining_ > limit) co_return false;
    std::array<char, 8192> scratch;
    std::uint64_t total = 0;
    auto deadline = Clock::now() + timeout;
    try {
      while (!done()) {
        if (Clock::now() > deadline) co_return false;
        std::size_t n = co_await read_some(std::span<char>(scratch.data(), scratch.size()));
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
    conn_.expires_after(seconds(cfg_.idle_timeout_s));
    auto [ec, n] = co_await net::async_write(conn_.socket, net::buffer(cont.data(), cont.size()), use_tuple);
    conn_.expires_never();
    if (ec) fail_gone(ec);
  }

  [[noreturn]] void fail_gone(const boost::system::error_code& ec) {
    broken_ = true;
    if (conn_.timed_out) throw HttpError(408, "timed out reading the request body");
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
    conn_.expires_after(seconds(cfg_.idle_timeout_s));
    auto [ec, n] = co_await conn_.socket.async_read_some(net::buffer(buf.data(), want), use_tuple);
    conn_.expires_never();
    if (ec) fail_gone(ec);
    remaining_ -= n;
    co_return n;
  }

  awaitable<std::size_t> read_chunked(std::span<char> buf) {
    for (;;) {
      if (parser_.is_done()) co_return 0;
      parser_.body_into(buf.data(), buf.size());
      conn_.expires_after(seconds(cfg_.idle_timeout_s));
      auto [ec, n] = co_await http::async_read_some(conn_.socket, buffer_, parser_, use_tuple);
      conn_.expires_never();
      (void)n;
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        if (conn_.timed_out || ec == net::error::eof || ec == http::error::end_of_stream ||
            ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == http::error::partial_message ||
            ec == net::error::operation_aborted || ec == net::error::bad_descriptor)
          fail_gone(ec);
        broken_ = true;
        throw HttpError(400, "malformed chunked request body");
      }
      std::size_t got = buf.size() - parser_.body_room();
      if (got > 0 || parser_.is_done()) co_return got;
    }
  }

  Conn& conn_;
  beast::flat_buffer& buffer_;
  RequestParser& parser_;
  const ServerOptions& cfg_;
  bool chunked_ = false;
  bool has_length_ = false;
  std::uint64_t length_ = 0;
  std::uint64_t remaining_ = 0;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool broken_ = false;
};

// Fills in the path and query of a Request whose request line and fields
// the parser stored. Returns an error status and detail when the target is
// unacceptable.
std::optional<std::pair<int, std::string>> build_request(Request& req) {
  if (req.target.size() > kTargetLimit) return std::pair{414, std::string("request target too long")};
  auto parsed = boost::urls::parse_origin_form(req.target);
  if (!parsed) return std::pair{400, std::string("malformed request target")};
  const auto& u = *parsed;
  req.path = std::string(u.encoded_path());
  auto segs = u.segments();
  req.segments.reserve(segs.size());
  for (auto seg : segs) req.segments.push_back(std::string(seg));
  if (u.has_query()) {
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (auto p : u.params(opts)) req.query.emplace_back(std::string(p.key), std::string(p.value));
  }
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

bool client_left(const boost::system::error_code& ec) {
  return ec == net::error::eof || ec == http::error::end_of_stream || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == http::error::partial_message ||
         ec == net::error::bad_descriptor || ec == net::error::broken_pipe;
}

// Writes all of `buffers`, with the connection's idle timeout per write.
template <class Buffers>
awaitable<bool> write_all(Conn& conn, const Buffers& buffers, double timeout_s) {
  conn.expires_after(seconds(timeout_s));
  auto [ec, n] = co_await net::async_write(conn.socket, buffers, use_tuple);
  conn.expires_never();
  (void)n;
  co_return !ec;
}

// After an answer to a client that is still sending: stop writing, discard a
// bounded amount, then close (nginx's lingering close). nginx's
// lingering_time is 30 s; 5 s and 64 MiB keep a slot bounded. Its own frame,
// so the 8 KiB sink exists only while lingering.
awaitable<void> linger_close(Conn& conn) {
  boost::system::error_code ignore;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignore);
  conn.expires_after(5s);
  std::array<char, 8192> sink;
  std::uint64_t total = 0;
  while (total < kLingerLimit) {
    auto [ec, n] = co_await conn.socket.async_read_some(net::buffer(sink), use_tuple);
    if (ec) break;
    total += n;
  }
  conn.expires_never();
}

// Sends a byte range of a file with sendfile(2) in 64 KiB pieces: no
// user-space copy, no per-download buffer.
awaitable<bool> send_file_range(Conn& conn, int fd, std::uint64_t offset, std::uint64_t length, double timeout_s,
                                const std::string& path) {
  // Asio's own operations keep the descriptor non-blocking; saying so once
  // per connection makes Asio remember it (one ioctl, not one per file).
  boost::system::error_code ignore;
  if (!conn.socket.non_blocking()) conn.socket.non_blocking(true, ignore);
  PieceCursor cur(offset, length);
  while (!cur.done()) {
    off_t off = static_cast<off_t>(cur.offset());
    ssize_t w = ::sendfile(conn.socket.native_handle(), fd, &off, cur.next());
    if (w > 0) {
      cur.advance(static_cast<std::size_t>(w));
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      conn.expires_after(seconds(timeout_s));
      auto [ec] = co_await conn.socket.async_wait(tcp::socket::wait_write, use_tuple);
      conn.expires_never();
      if (ec) co_return false;
      continue;
    }
    // Peer gone, or the file shrank under us: the length is broken, close.
    if (w == 0) spdlog::warn("{} file shorter than announced; closing connection", path);
    co_return false;
  }
  co_return true;
}

}  // namespace

awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    Worker& w = *workers[next_worker++ % workers.size()];
    auto [ec, socket] = co_await acceptor->async_accept(w.io, use_tuple);
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) co_return;
      // EMFILE and friends: back off instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer t(ios.main(), 100ms);
      co_await t.async_wait(use_tuple);
      continue;
    }
    if (active.load() >= cfg.max_connections) {
      reject_over_limit(socket);
      continue;
    }
    ++active;
    net::co_spawn(w.io, session(w, std::move(socket)), net::detached);
  }
}

// Past KEEL_MAX_CONNECTIONS: a short 503 written without waiting, then close.
void Server::Impl::reject_over_limit(Socket& socket) {
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

void Server::Impl::finish_drained() {
  std::function<void()> done;
  {
    std::lock_guard lk(mu);
    done = std::move(on_drained);
    on_drained = nullptr;
    if (grace_timer) grace_timer->cancel();
  }
  if (done) done();
}

void Server::Impl::connection_closed() {
  if (--active != 0) return;
  if (stopping.load()) {
    finish_drained();
    return;
  }
  // The server went quiet: what the last burst's connections used (frames,
  // buffers) sits free inside malloc's heaps; give it back to the system.
  // At most once a second, so a trickle of one-request connections does not
  // pay for it each time; a busy server never gets here.
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
  auto last = last_trim_ms.load(std::memory_order_relaxed);
  if (now_ms - last >= 1000 && last_trim_ms.compare_exchange_strong(last, now_ms)) ::malloc_trim(0);
}

void Server::Impl::close_idle_connections(bool force) {
  auto self = shared_from_this();
  for (auto& wp : workers) {
    Worker* w = wp.get();
    net::post(w->io, [self, w, force] {
      for (Conn* c : w->conns) {
        if (force || !c->busy) {
          boost::system::error_code ec;
          c->socket.shutdown(tcp::socket::shutdown_both, ec);
          c->socket.cancel(ec);
        }
      }
    });
  }
}

awaitable<void> Server::Impl::session(Worker& w, Socket socket) {
  auto self = shared_from_this();
  Conn conn(std::move(socket));
  w.add(&conn);
  struct Unregister {
    Worker& w;
    Conn* c;
    ~Unregister() { w.remove(c); }
  } unregister{w, &conn};

  boost::system::error_code ignore;
  conn.socket.set_option(tcp::no_delay(true), ignore);
  std::string remote;
  {
    auto ep = conn.socket.remote_endpoint(ignore);
    if (!ignore) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::flat_buffer buffer(kHeaderLimit + 1024);
  std::string head;  // the response head, reused across requests
  bool first_request = true;
  const auto conn_start = Clock::now();

  // Writes a JSON error the server itself decides (before any route runs).
  auto write_early = [&](int status, std::string_view detail) -> awaitable<void> {
    Headers h;
    h.set("Content-Type", "application/json");
    std::string body = early_error_body(detail);
    head.clear();
    write_response_head(head, status, 11, h, http_date_now(), Framing{Framing::length, body.size()}, false);
    std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body)};
    conn.expires_after(5s);
    co_await net::async_write(conn.socket, bufs, use_tuple);
    conn.expires_never();
  };

  for (;;) {
    if (stopping.load() && !first_request) break;
    // 1. The header must arrive within the header timeout, counted from the
    //    connection's start for the first request and from its first byte
    //    for the next ones (the wait before it is the keep-alive idle
    //    timeout). A trickling client does not move the deadline.
    // The request and its parser: the parser stores the request line and
    //    fields straight into `req`, whose headers live in this arena.
    RequestArena arena;
    Request req(&arena);
    req.remote = remote;
    RequestParser parser(req);
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);  // routes enforce their own caps
    if (first_request) conn.expires_at(conn_start + seconds(cfg.header_timeout_s));
    else if (buffer.size() == 0) conn.expires_after(seconds(cfg.idle_timeout_s));
    else conn.expires_after(seconds(cfg.header_timeout_s));
    bool waiting_first_byte = !first_request && buffer.size() == 0;
    bool sized = false;
    std::size_t searched = 0;  // header bytes already looked at for its end
    boost::system::error_code hec;
    for (;;) {
      if (buffer.size() > 0) {
        if (!sized) {
          // Complete header in hand: size the arena and the field list once.
          const auto data = buffer.data();
          HeaderShape shape =
              header_shape(std::string_view(static_cast<const char*>(data.data()), data.size()), searched);
          searched = data.size();
          if (shape.bytes > 0) {
            std::size_t fields = std::min(shape.field_lines, RequestParser::kMaxFields + 1);
            arena.size_for(shape.bytes + fields * (sizeof(Headers::Field) + alignof(std::max_align_t)) + 64);
            req.headers.reserve(fields);
            sized = true;
          }
        }
        std::size_t used = parser.put(buffer.data(), hec);
        buffer.consume(used);
        if (hec == http::error::need_more) hec = {};
        if (hec || parser.is_header_done()) break;
      }
      std::size_t room = buffer.max_size() - buffer.size();
      if (room == 0) {
        hec = http::error::header_limit;
        break;
      }
      auto [ec, n] = co_await conn.socket.async_read_some(buffer.prepare(std::min(room, kReadSize)), use_tuple);
      if (ec) {
        hec = ec;
        break;
      }
      buffer.commit(n);
      if (waiting_first_byte) {
        waiting_first_byte = false;
        conn.expires_after(seconds(cfg.header_timeout_s));
      }
    }
    conn.expires_never();
    if (hec) {
      if (waiting_first_byte && !conn.timed_out) break;  // keep-alive connection closed or reset: nothing to answer
      if (conn.timed_out) {
        // The socket is closed already: like nginx, the slow client (or the
        // idle keep-alive one) is cut off without an answer.
        if (!waiting_first_byte)
          spdlog::info("{} request header not received within {}s: connection closed", remote, cfg.header_timeout_s);
      } else if (hec == http::error::header_limit || hec == http::error::buffer_overflow) {
        if (parser.too_many_fields())
          co_await write_early(431, "too many request header fields (at most " +
                                        std::to_string(RequestParser::kMaxFields) + ")");
        else if (request_line_too_long(buffer)) co_await write_early(414, "request target too long");
        else co_await write_early(431, "request header fields too large");
      } else if (client_left(hec)) {
        // the client left
      } else {
        co_await write_early(400, std::string("malformed request: ") + hec.message());
      }
      break;
    }
    first_request = false;
    conn.busy = true;
    req.started = Clock::now();
    // The header is parsed (its fields live in the arena now): a read buffer
    // that grew for a large header goes while the handler runs, so a
    // connection holds one copy of a big header, not two.
    if (buffer.capacity() > kKeepBuffer) buffer.shrink_to_fit();

    if (auto bad = build_request(req)) {
      co_await write_early(bad->first, bad->second);
      break;
    }
    const unsigned version = parser.version();
    if (version != 11 && version != 10) {
      co_await write_early(505, "HTTP version not supported");
      break;
    }
    ConnBody body(conn, buffer, parser, req, cfg);
    req.body = &body;
    const bool is_head = req.is_head();
    bool keep_alive = parser.keep_alive();

    // 2. The handler. ClientGone means nobody is listening: just close.
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

    // 3. Keep-alive: a body nobody read is drained when small, otherwise the
    //    connection closes after the response (lingering if still sending).
    bool linger = false;
    if (!body.done()) {
      if (body.broken() || body.continue_pending() || (!body.chunked() && body.remaining() > kDrainLimit) ||
          body.chunked()) {
        keep_alive = false;
        linger = !body.broken();
      }
    }
    if (res.close || stopping.load()) keep_alive = false;

    // 4. The response: head from a reused buffer, then the body.
    const bool send_body = !is_head && body_allowed(res.status);
    bool ok = true;
    head.clear();
    if (auto* s = std::get_if<std::string>(&res.body)) {
      Framing fr = body_allowed(res.status) ? Framing{Framing::length, s->size()} : Framing{};
      write_response_head(head, res.status, version, res.headers, http_date_now(), fr, keep_alive);
      if (send_body && !s->empty()) {
        std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(*s)};
        ok = co_await write_all(conn, bufs, cfg.idle_timeout_s);
      } else {
        ok = co_await write_all(conn, net::buffer(head), cfg.idle_timeout_s);
      }
    } else if (auto* f = std::get_if<FileBody>(&res.body)) {
      Framing fr = body_allowed(res.status) ? Framing{Framing::length, f->content_length} : Framing{};
      write_response_head(head, res.status, version, res.headers, http_date_now(), fr, keep_alive);
      // The head goes out with MSG_MORE so it shares a packet with the
      // file's first bytes (sendfile pushes when it is done, as nginx's
      // TCP_CORK does); whatever the socket did not take is written
      // normally.
      std::size_t sent = 0;
      if (send_body && f->content_length > 0) {
        ssize_t w = ::send(conn.socket.native_handle(), head.data(), head.size(), MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE);
        if (w > 0) sent = static_cast<std::size_t>(w);
      }
      if (sent < head.size()) ok = co_await write_all(conn, net::buffer(head.data() + sent, head.size() - sent), cfg.idle_timeout_s);
      if (ok && send_body) {
        for (const auto& seg : f->segments) {
          if (!ok) break;
          if (!seg.literal.empty()) ok = co_await write_all(conn, net::buffer(seg.literal), cfg.idle_timeout_s);
          else ok = co_await send_file_range(conn, f->file->fd(), seg.offset, seg.length, cfg.idle_timeout_s, req.path);
        }
      }
    } else if (auto* sb = std::get_if<StreamBody>(&res.body)) {
      // HTTP/1.0 has no chunked encoding: the body ends where the connection does.
      const bool chunked = version == 11;
      if (!chunked) keep_alive = false;
      write_response_head(head, res.status, version, res.headers, http_date_now(),
                          chunked ? Framing{Framing::chunked} : Framing{}, keep_alive);
      ok = co_await write_all(conn, net::buffer(head), cfg.idle_timeout_s);
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
          if (!chunk) {
            if (chunked) ok = co_await write_all(conn, net::buffer(std::string_view("0\r\n\r\n")), cfg.idle_timeout_s);
            break;
          }
          if (chunk->empty()) continue;
          if (chunked) {
            char size_line[24];
            int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk->size());
            std::array<net::const_buffer, 3> bufs{net::buffer(size_line, static_cast<std::size_t>(len)),
                                                  net::buffer(*chunk), net::buffer("\r\n", 2)};
            ok = co_await write_all(conn, bufs, cfg.idle_timeout_s);
          } else {
            ok = co_await write_all(conn, net::buffer(*chunk), cfg.idle_timeout_s);
          }
          if (!ok) break;
        }
      }
    }
    conn.busy = false;
    res = Response{};  // release files (temp files are unlinked here)
    if (head.capacity() > kKeepBuffer) std::string().swap(head);
    if (!ok) break;

    if (linger) {
      co_await linger_close(conn);
      break;
    }
    if (!keep_alive) break;
    if (!body.done()) {
      bool drained = co_await body.drain(kDrainLimit, seconds(cfg.header_timeout_s));
      if (!drained) break;
    }
    // An idle keep-alive connection holds little: a big header buffer goes.
    if (buffer.size() == 0 && buffer.capacity() > kKeepBuffer) buffer.shrink_to_fit();
  }

  conn.socket.shutdown(tcp::socket::shutdown_both, ignore);
  conn.socket.close(ignore);
  connection_closed();
}

Server::Server(ServerOptions options, IoPool& ios, RequestHandler handler)
    : impl_(std::make_shared<Impl>(std::move(options), ios, std::move(handler))) {}

Server::~Server() { impl_->release_io(); }

unsigned Server::start() {
  auto& a = *impl_->acceptor;
  tcp::endpoint ep(net::ip::make_address(impl_->cfg.host), static_cast<unsigned short>(impl_->cfg.port));
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
  net::co_spawn(impl_->ios.main(), impl_->accept_loop(), net::detached);
  return a.local_endpoint().port();
}

void Server::shutdown(std::function<void()> on_drained) {
  auto impl = impl_;
  net::post(impl->ios.main(), [impl, on_drained = std::move(on_drained)]() mutable {
    if (impl->stopping.exchange(true)) return;
    boost::system::error_code ec;
    impl->acceptor->close(ec);
    {
      std::lock_guard lk(impl->mu);
      impl->on_drained = std::move(on_drained);
    }
    if (impl->active.load() == 0) {
      impl->finish_drained();
      return;
    }
    impl->close_idle_connections(false);
    {
      std::lock_guard lk(impl->mu);
      impl->grace_timer = std::make_unique<net::steady_timer>(impl->ios.main(), seconds(impl->cfg.shutdown_grace_s));
      impl->grace_timer->async_wait([impl](boost::system::error_code wec) {
        if (wec || impl->active.load() == 0) return;
        // Grace is over: cut what is left and stop, whatever handlers still wait on.
        spdlog::warn("shutdown grace period over: closing {} connection(s)", impl->active.load());
        impl->close_idle_connections(true);
        impl->finish_drained();
      });
    }
  });
}

ServerStats Server::stats() const {
  return ServerStats{impl_->active.load(), impl_->cfg.max_connections, impl_->rejected.load()};
}

}  // namespace keel
