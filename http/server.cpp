#include "http/server.hpp"

#include "http/body_writers.hpp"
#include "http/conn_body.hpp"
#include "http/connection.hpp"
#include "http/head_reader.hpp"
#include "http/request_arena.hpp"
#include "http/request_head.hpp"
#include "http/request_parser.hpp"
#include "http/response_head.hpp"
#include "http/text/http_date.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <malloc.h>
#include <array>
#include <ctime>
#include <mutex>

namespace keel {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kReadSize = 4096;           // one read of header bytes
constexpr std::size_t kKeepBuffer = 4096;         // an idle connection keeps at most this much buffer
constexpr std::uint64_t kDrainLimit = 64 * 1024;  // unread body we still drain to keep the connection

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

std::string early_error_body(std::string_view detail) { return nlohmann::json{{"detail", detail}}.dump(); }

// Writes an answer the server decides itself, before any route runs; the
// connection closes after it.
awaitable<void> refuse(Conn& conn, std::string& head, const HeadRefusal& refusal) {
  Headers h;
  h.set("Content-Type", "application/json");
  std::string body = early_error_body(refusal.detail);
  head.clear();
  write_response_head(head, refusal.status, 11, h, http_date_now(), Framing{Framing::length, body.size()}, false);
  std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body)};
  co_await write_all(conn, bufs, 5s);
}

// What the connection does once a response is written.
enum class Ending {
  keep,    // wait for the next request
  drain,   // read and discard a small unread body first, then keep
  linger,  // close, but let a client still sending its body see the answer
  close,
};

// A body nobody read is drained when small; otherwise the connection closes
// after the response, lingering while the client may still be sending.
Ending ending_for(const ConnBody& body, bool keep_alive) {
  if (body.done()) return keep_alive ? Ending::keep : Ending::close;
  if (body.broken()) return Ending::close;
  if (body.continue_pending() || body.chunked() || body.remaining() > kDrainLimit) return Ending::linger;
  return keep_alive ? Ending::drain : Ending::close;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(ServerOptions c, IoPool& p, RequestHandler h)
      : cfg(std::move(c)),
        header_timeout(from_seconds(cfg.header_timeout_s)),
        idle_timeout(from_seconds(cfg.idle_timeout_s)),
        ios(p),
        handler(std::move(h)) {
    acceptor.emplace(p.main());
    // Deadlines are enforced to within a fifth of the shortest timeout
    // (at most 250 ms late).
    auto tick = std::clamp<Clock::duration>(std::min(header_timeout, idle_timeout) / 5, 10ms, 250ms);
    for (std::size_t i = 0; i < ios.size(); ++i) workers.push_back(std::make_unique<Worker>(ios.at(i), tick));
  }

  const ServerOptions cfg;
  const Clock::duration header_timeout;  // for a request's head
  const Clock::duration idle_timeout;    // for the next request's first byte, and each body read and write
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

  enum class Which { idle, all };

  awaitable<void> accept_loop();
  awaitable<void> session(Worker& w, Socket socket);
  void reject_over_limit(Socket& socket);
  void accept_queued();
  void connection_closed();
  void close_connections(Which which);
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

// At shutdown: every connection the listener has queued, without waiting.
void Server::Impl::accept_queued() {
  boost::system::error_code ec;
  acceptor->non_blocking(true, ec);
  if (ec) return;
  for (unsigned n = 0; n < cfg.max_connections; ++n) {
    Worker& w = *workers[next_worker++ % workers.size()];
    Socket socket(w.io);
    acceptor->accept(socket, ec);
    if (ec) return;  // would_block: the queue is empty
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
  static const std::string msg =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
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

// Ends the connections of every worker, or only those waiting for a
// request: their sessions see the error and close.
void Server::Impl::close_connections(Which which) {
  auto self = shared_from_this();
  for (auto& wp : workers) {
    Worker* w = wp.get();
    net::post(w->io, [self, w, which] {
      for (Conn* c : w->conns) {
        if (which == Which::all || !c->busy) {
          boost::system::error_code ec;
          c->socket.shutdown(tcp::socket::shutdown_both, ec);
          c->socket.cancel(ec);
        }
      }
    });
  }
}

// One connection, one request after the other, from the head to the end
// of its response. Each step's errors are values, acted on here.
awaitable<void> Server::Impl::session(Worker& w, Socket socket) {
  auto self = shared_from_this();
  Conn conn(std::move(socket));
  Registration registered(w, conn);
  beast::flat_buffer buffer(kHeaderLimit + 1024);  // a whole head, and the first body bytes after it
  std::string head;                                // the response head, reused across requests
  const auto conn_start = coarse_now();

  for (bool first = true;; first = false) {
    if (!first && stopping.load()) break;
    // The request and its parser: the parser stores the request line into
    // req.method and req.target, and the header fields into req.headers,
    // which live in this arena, sized once for the head: up to 1 KiB inside
    // this coroutine's frame, a larger head one heap block for as long as the
    // request lasts (at most kHeaderLimit of head + 100 fields of
    // bookkeeping, ~26 KiB).
    RequestArena arena;
    Request req(&arena);
    req.remote = conn.remote;
    RequestParser parser(req);
    parser.header_limit(kHeaderLimit);
    parser.body_limit(boost::none);  // routes enforce their own caps

    // 1. Read the head. It must arrive within the header timeout, counted
    //    from the connection's start for the first request and from its
    //    first byte for the next ones (the wait for that byte is the
    //    keep-alive idle timeout). A trickling client does not move it.
    HeadReader reader(parser, arena, req.headers);
    HeadReader::Outcome got = HeadReader::need_more;
    bool idle = !first && buffer.size() == 0;
    bool read_failed = false;
    {
      auto deadline =
          conn.deadline_at(first ? conn_start + header_timeout : coarse_now() + (idle ? idle_timeout : header_timeout));
      while ((got = reader.step(buffer)) == HeadReader::need_more) {
        const std::size_t room = std::min(kReadSize, buffer.max_size() - buffer.size());
        auto [ec, n] = co_await conn.socket.async_read_some(buffer.prepare(room), use_tuple);
        if (ec) {
          read_failed = true;
          break;
        }
        buffer.commit(n);
        if (idle) {
          idle = false;
          deadline.move_to(coarse_now() + header_timeout);
        }
      }
    }
    if (read_failed) {
      // The client left, or the sweeper closed the socket: like nginx, the
      // slow client (or the idle keep-alive one) is cut off without an answer.
      if (conn.timed_out && !idle)
        spdlog::info("{} request header not received within {}s: connection closed", conn.remote, cfg.header_timeout_s);
      break;
    }

    // 2. Answer a head that is too large or not HTTP.
    if (got != HeadReader::complete) {
      HeadRefusal refusal = reader.refusal(buffer);
      co_await refuse(conn, head, refusal);
      break;
    }
    conn.busy = true;
    // The head is parsed (its fields live in the arena now): a read buffer
    // that grew for a large head goes while the handler runs, so a
    // connection holds one copy of a big head, not two.
    if (buffer.capacity() > kKeepBuffer) buffer.shrink_to_fit();

    // 3. Build the request: a head framed as RFC 9112 requires, then the
    //    path and query from its target.
    const unsigned version = parser.version();
    std::optional<HeadRefusal> refused = check_framing(req.headers, version);
    if (!refused) refused = apply_target(req);
    if (refused) {
      co_await refuse(conn, head, *refused);
      break;
    }

    // 4. Dispatch. ClientGone means nobody is listening: just close.
    ConnBody body(conn, buffer, parser, req, idle_timeout);
    req.body = &body;
    Response res;
    bool gone = false;
    try {
      res = co_await handler(req);
    } catch (const ClientGone&) { gone = true; } catch (const std::exception& e) {
      // The middleware chain renders errors; this is the last resort.
      spdlog::error("{} {} unhandled: {}", req.method, req.path, e.what());
      res = Response::error(500, "Internal Server Error");
      res.close = true;
    }
    if (gone) break;

    // 5. Write the response: its head from a reused buffer, then the body
    //    by its kind. A string body goes in the same write as the head.
    const Framing framing = framing_for(res, version);
    const bool ends_with_connection = std::holds_alternative<StreamBody>(res.body) && version == 10;
    const Ending ending =
        ending_for(body, parser.keep_alive() && !res.close && !stopping.load() && !ends_with_connection);
    const bool send_body = !req.is_head() && body_allowed(res.status);
    head.clear();
    write_response_head(head, res.status, version, res.headers, http_date_now(), framing,
                        ending == Ending::keep || ending == Ending::drain, req.request_id);
    bool ok = true;
    if (auto* s = std::get_if<std::string>(&res.body)) {
      std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(*s)};
      if (!send_body) bufs[1] = net::const_buffer();
      auto deadline = conn.deadline_in(idle_timeout);
      auto [ec, n] = co_await net::async_write(conn.socket, bufs, use_tuple);
      ok = !ec;
    } else if (auto* f = std::get_if<FileBody>(&res.body)) {
      ok = co_await write_file_response(conn, head, *f, send_body, idle_timeout, req.path);
    } else {
      auto& stream = std::get<StreamBody>(res.body);
      ok = co_await write_stream_response(conn, head, stream, framing.kind == Framing::chunked, send_body, idle_timeout,
                                          req.path);
    }
    conn.busy = false;
    res = Response{};  // release files (temp files are unlinked here)
    if (head.capacity() > kKeepBuffer) std::string().swap(head);

    // 6. Finish: close, linger, or drain what the handler left unread and
    //    wait for the next request.
    if (!ok || ending == Ending::close) break;
    if (ending == Ending::linger) {
      co_await linger_close(conn);
      break;
    }
    if (ending == Ending::drain) {
      bool drained = co_await body.drain(kDrainLimit, header_timeout);
      if (!drained) break;
    }
    // An idle keep-alive connection holds little: a big read buffer goes.
    if (buffer.size() == 0 && buffer.capacity() > kKeepBuffer) buffer.shrink_to_fit();
  }

  boost::system::error_code ignore;
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
    // Connections waiting for their next request end now; then what the
    // kernel already queued on the listener is accepted and served (one
    // request each): those clients sent a request nobody else will answer
    // (a proxy in front would see a reset). Only then the listener closes.
    // Posted in this order, each worker ends its idle connections before
    // the queued ones start.
    impl->close_connections(Impl::Which::idle);
    impl->accept_queued();
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
    {
      std::lock_guard lk(impl->mu);
      impl->grace_timer =
          std::make_unique<net::steady_timer>(impl->ios.main(), from_seconds(impl->cfg.shutdown_grace_s));
      impl->grace_timer->async_wait([impl](boost::system::error_code wec) {
        if (wec || impl->active.load() == 0) return;
        // Grace is over: cut what is left and stop, whatever handlers still wait on.
        spdlog::warn("shutdown grace period over: closing {} connection(s)", impl->active.load());
        impl->close_connections(Impl::Which::all);
        impl->finish_drained();
      });
    }
  });
}

ServerStats Server::stats() const {
  return ServerStats{impl_->active.load(), impl_->cfg.max_connections, impl_->rejected.load()};
}

}  // namespace keel
