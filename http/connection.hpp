#pragma once
// One client connection as the server's loop sees it: its socket and its
// deadline, the worker whose sweeper enforces deadlines, and the timed
// writes every response uses.
//
// Deadlines cost no timer operation per I/O step: a step sets the
// connection's deadline (a store) through a scope guard that clears it when
// the step is over, however it ends; the worker's sweeper, ticking only
// while its thread has connections, closes the socket of a connection whose
// deadline has passed, which ends the pending operation with an error.
#include "http/coarse_clock.hpp"
#include "http/http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace keel {

using Clock = std::chrono::steady_clock;
// A socket bound to its io_context's concrete executor (no type-erased
// executor on every operation).
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

inline Clock::duration from_seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

struct Conn;

// The deadline of one I/O step: set when made, cleared when it goes.
class [[nodiscard]] Deadline {
 public:
  Deadline(Conn& conn, Clock::time_point at);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  // Moves the deadline of the step under way (e.g. when its first byte came).
  void move_to(Clock::time_point at);

 private:
  Conn& conn_;
};

// Owned by the session coroutine and touched only on its worker's thread.
struct Conn {
  explicit Conn(Socket s) : socket(std::move(s)) {
    boost::system::error_code ignore;
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ignore);
    auto ep = socket.remote_endpoint(ignore);
    if (!ignore) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  Socket socket;
  std::string remote;  // "addr:port" of the peer; requests point into it
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;  // the sweeper closed the socket
  // From accept to the end of the first response, then from each complete
  // header to the end of its response: a shutdown ends only connections
  // waiting for a next request, not one whose first request is on its way
  // (it may sit in the socket already; the header timeout bounds it).
  bool busy = true;

  Deadline deadline_in(Clock::duration d) { return Deadline(*this, coarse_now() + d); }
  Deadline deadline_at(Clock::time_point t) { return Deadline(*this, t); }
};

inline Deadline::Deadline(Conn& conn, Clock::time_point at) : conn_(conn) { conn_.deadline = at; }
inline Deadline::~Deadline() { conn_.deadline = Clock::time_point::max(); }
inline void Deadline::move_to(Clock::time_point at) { conn_.deadline = at; }

// Per io thread: its connections and the sweeper that enforces deadlines.
struct Worker {
  Worker(boost::asio::io_context& c, Clock::duration t) : io(c), tick(t) { timer.emplace(c); }
  boost::asio::io_context& io;
  std::optional<boost::asio::steady_timer> timer;  // released with the server (release_io)
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
    const auto now = coarse_now();
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

// A connection registered with its worker for as long as this lives.
class [[nodiscard]] Registration {
 public:
  Registration(Worker& w, Conn& c) : w_(w), c_(c) { w_.add(&c_); }
  ~Registration() { w_.remove(&c_); }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  Worker& w_;
  Conn& c_;
};

// Writes all of `buffers` within `timeout`; false when the peer is gone or slow.
template <class Buffers>
awaitable<bool> write_all(Conn& conn, const Buffers& buffers, Clock::duration timeout) {
  auto deadline = conn.deadline_in(timeout);
  auto [ec, n] = co_await boost::asio::async_write(conn.socket, buffers, use_tuple);
  (void)n;
  co_return !ec;
}

// Sends a byte range of a file with sendfile(2) in bounded pieces, each
// within `timeout`: no user-space copy, no per-download buffer. False when
// the peer is gone or the file is shorter than announced (`path` names it
// in the log).
awaitable<bool> send_file_range(Conn& conn, int fd, std::uint64_t offset, std::uint64_t length, Clock::duration timeout,
                                std::string_view path);

// After an answer to a client that is still sending: stop writing, discard
// a bounded amount, then return for the caller to close (nginx's lingering
// close).
awaitable<void> linger_close(Conn& conn);

}  // namespace keel
