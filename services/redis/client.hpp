#pragma once
// One long-lived Redis connection per keel process. A coroutine on one
// strand owns the socket: it connects lazily (on the first command),
// authenticates and selects the database, pipelines the commands of every
// caller in order and matches replies to them in order, pings when idle, and
// reconnects with a backoff when the connection breaks. Commands are encoded
// and replies parsed with hiredis's pure functions (services/redis/reply);
// hiredis's own connection and async context are never used.
#include "services/redis/error.hpp"
#include "services/redis/reply.hpp"
#include "services/redis/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace keel::redis {

// off: nothing used the client yet (or it was stopped); ok: connected and
// answering; down: not connected (reconnecting).
enum class State { off, ok, down };
const char* to_string(State s);

struct ClientOptions {
  std::chrono::milliseconds command_timeout{2000};  // also bounds connect + AUTH/SELECT
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  std::chrono::milliseconds ping_idle{1000};  // a PING when nothing was sent or received for this long
  std::size_t max_queued = 64;                // commands written or waiting; more fail with busy
  std::size_t max_reply_bytes = 16u << 20;    // a bigger reply is a protocol error (reconnect)
};

class Client {
 public:
  Client(boost::asio::any_io_executor ex, RedisUrl url, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command from any executor or thread and resumes there with the
  // reply. An error reply throws Error(server); other failures throw Error
  // with their kind (unavailable fails fast while reconnecting).
  // g++ 12: name argv first (std::vector<std::string> argv{"GET", key};):
  // a braced list inside the co_await expression fails to compile ("array
  // used as initializer").
  boost::asio::awaitable<Reply> command(std::vector<std::string> argv);
  // Opens the connection without a command (a job about to need Redis).
  void open();
  State state() const { return state_.load(std::memory_order_relaxed); }
  // Closes the connection and fails every queued command; later commands
  // fail with unavailable. Asynchronous (on the strand); the destructor
  // closes what is left once the io threads are gone.
  void stop();
  // For logs: the URL without credentials.
  const std::string& where() const { return where_; }
  std::uint64_t connects_total() const { return connects_.load(std::memory_order_relaxed); }

 private:
  struct Pending;
  enum class Phase { idle, connecting, connected, backoff, stopped };

  boost::asio::awaitable<Reply> exchange(std::string bytes);
  void start_on_strand();
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> session();
  boost::asio::awaitable<void> connect_and_greet();
  boost::asio::awaitable<void> writer(std::uint64_t generation);
  boost::asio::awaitable<void> pinger(std::uint64_t generation);
  void complete(const std::shared_ptr<Pending>& p, Reply reply);
  void fail_all(ErrorKind kind, const std::string& why);
  void drop(const std::string& why);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  RedisUrl url_;
  ClientOptions options_;
  std::string where_;
  std::atomic<State> state_{State::off};
  std::atomic<std::uint64_t> connects_{0};

  // Below: touched on the strand only.
  Phase phase_ = Phase::idle;
  std::uint64_t generation_ = 0;  // one per connection: a writer or pinger of an older one stops
  std::string last_error_;
  std::string drop_reason_;  // why this side closed the connection, if it did
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer wake_writer_;
  boost::asio::steady_timer backoff_timer_;
  std::deque<std::shared_ptr<Pending>> to_write_;   // queued, not yet written
  std::deque<std::shared_ptr<Pending>> in_flight_;  // written, awaiting replies in this order
  std::unique_ptr<ReplyReader> reader_;
  std::vector<char> read_buf_;  // 16 KiB from the first connect: an unused client costs nothing
  std::chrono::steady_clock::time_point last_activity_{};
};

}  // namespace keel::redis
