#include "services/redis/client.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <optional>

namespace keel::redis {

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;
using Clock = std::chrono::steady_clock;

const char* to_string(State s) {
  switch (s) {
    case State::off: return "off";
    case State::ok: return "ok";
    case State::down: return "down";
  }
  return "unknown";
}

namespace {
// Plain functions, not coroutines: g++ 12 rejects a braced list of strings
// inside a co_await expression ("array used as initializer").
std::string greeting_for(const RedisUrl& url, std::size_t& replies) {
  std::string bytes;
  if (!url.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!url.user.empty()) auth.push_back(url.user);
    auth.push_back(url.password);
    bytes += format_command(auth);
    replies++;
  }
  if (url.db != 0) {
    bytes += format_command({"SELECT", std::to_string(url.db)});
    replies++;
  }
  return bytes;
}

std::string ping_bytes() { return format_command({"PING"}); }
}  // namespace

// One command: its bytes until written, then its place in the reply order.
// `done` expires at the command's deadline; whoever finishes the command
// first (its reply, a failure, the deadline) sets `finished`.
struct Client::Pending {
  Pending(net::strand<net::any_io_executor>& strand, std::string b, std::chrono::milliseconds timeout)
      : bytes(std::move(b)), done(strand, timeout) {}
  std::string bytes;
  net::steady_timer done;
  bool finished = false;
  std::optional<Reply> reply;
  std::optional<Error> error;
};

Client::Client(net::any_io_executor ex, RedisUrl url, ClientOptions options)
    : strand_(net::make_strand(ex)),
      url_(std::move(url)),
      options_(options),
      where_(without_credentials(url_)),
      socket_(strand_),
      wake_writer_(strand_),
      backoff_timer_(strand_) {}

Client::~Client() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

awaitable<Reply> Client::command(std::vector<std::string> argv) {
  std::string bytes = format_command(argv);
  co_return co_await net::co_spawn(strand_, exchange(std::move(bytes)), use_awaitable);
}

void Client::open() {
  net::post(strand_, [this] { start_on_strand(); });
}

void Client::stop() {
  net::post(strand_, [this] {
    phase_ = Phase::stopped;
    state_ = State::off;
    boost::system::error_code ignored;
    socket_.close(ignored);
    backoff_timer_.cancel();
    wake_writer_.cancel();
    fail_all(ErrorKind::unavailable, "redis: client stopped");
  });
}

void Client::start_on_strand() {
  if (phase_ != Phase::idle) return;
  phase_ = Phase::connecting;
  net::co_spawn(strand_, run(), net::detached);
}

awaitable<Reply> Client::exchange(std::string bytes) {
  start_on_strand();
  if (phase_ == Phase::stopped) throw Error(ErrorKind::unavailable, "redis: client stopped");
  // While waiting out a backoff, fail at once rather than make callers wait.
  if (phase_ == Phase::backoff)
    throw Error(ErrorKind::unavailable, "redis unavailable (" + where_ + "): " + last_error_);
  if (to_write_.size() + in_flight_.size() >= options_.max_queued)
    throw Error(ErrorKind::busy, "redis: " + std::to_string(options_.max_queued) + " commands queued already");
  auto p = std::make_shared<Pending>(strand_, std::move(bytes), options_.command_timeout);
  to_write_.push_back(p);
  wake_writer_.cancel();
  boost::system::error_code ec;
  co_await p->done.async_wait(net::redirect_error(use_awaitable, ec));
  if (!p->finished) {
    p->finished = true;  // its reply, if one comes, is dropped in turn
    if (ec == net::error::operation_aborted)
      throw boost::system::system_error(ec);  // the caller was cancelled; the reply order is kept
    // The reply may still come, after the next command's: out of step.
    drop("a command had no reply within " + std::to_string(options_.command_timeout.count()) + " ms");
    throw Error(ErrorKind::timeout, "redis: no reply within " + std::to_string(options_.command_timeout.count()) +
                                        " ms (" + where_ + ")");
  }
  if (p->error) throw *p->error;
  if (p->reply->is_error()) throw Error(ErrorKind::server, "redis: " + p->reply->str);
  co_return std::move(*p->reply);
}

void Client::complete(const std::shared_ptr<Pending>& p, Reply reply) {
  if (p->finished) return;
  p->finished = true;
  p->reply = std::move(reply);
  p->done.cancel();
}

void Client::fail_all(ErrorKind kind, const std::string& why) {
  for (auto* queue : {&to_write_, &in_flight_}) {
    for (auto& p : *queue) {
      if (p->finished) continue;
      p->finished = true;
      p->error.emplace(kind, why);
      p->done.cancel();
    }
    queue->clear();
  }
}

void Client::drop(const std::string& why) {
  if (phase_ != Phase::connected && phase_ != Phase::connecting) return;
  if (drop_reason_.empty()) drop_reason_ = why;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

awaitable<void> Client::run() {
  auto backoff = options_.backoff_min;
  while (phase_ != Phase::stopped) {
    phase_ = Phase::connecting;
    drop_reason_.clear();
    std::string why;
    ErrorKind kind = ErrorKind::unavailable;  // what the queued commands fail with
    try {
      co_await connect_and_greet();
      if (phase_ == Phase::stopped) break;
      phase_ = Phase::connected;
      state_ = State::ok;
      connects_++;
      backoff = options_.backoff_min;
      spdlog::info("redis: connected to {}", where_);
      co_await session();
    } catch (const boost::system::system_error& e) {
      why = e.code().message();
    } catch (const Error& e) {
      why = e.what();
      if (e.kind() == ErrorKind::protocol) kind = ErrorKind::protocol;
    } catch (const std::exception& e) {
      why = e.what();
    }
    last_error_ = drop_reason_.empty() ? why : drop_reason_;
    generation_++;  // the writer and pinger of that connection stop
    boost::system::error_code ignored;
    socket_.close(ignored);
    wake_writer_.cancel();
    if (phase_ == Phase::stopped) break;
    phase_ = Phase::backoff;
    if (state_.exchange(State::down) != State::down)
      spdlog::warn("redis: {} down ({}); reconnecting", where_, last_error_);
    else
      spdlog::debug("redis: {} still down ({}); next try in {} ms", where_, last_error_, backoff.count());
    fail_all(kind, "redis unavailable (" + where_ + "): " + last_error_);
    backoff_timer_.expires_after(backoff);
    boost::system::error_code ec;
    co_await backoff_timer_.async_wait(net::redirect_error(use_awaitable, ec));
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
  fail_all(ErrorKind::unavailable, "redis: client stopped");
}

awaitable<void> Client::connect_and_greet() {
  // connect + AUTH + SELECT take at most a command's timeout: the watchdog
  // closes the socket, which ends whatever waits on it.
  auto greeted = std::make_shared<bool>(false);
  net::steady_timer watchdog(strand_, options_.command_timeout);
  auto on_watchdog = [this, greeted](boost::system::error_code ec) {
    if (ec || *greeted) return;
    drop("connect, AUTH and SELECT took over " + std::to_string(options_.command_timeout.count()) + " ms");
  };
  watchdog.async_wait(std::move(on_watchdog));

  net::ip::tcp::resolver resolver(strand_);
  auto endpoints = co_await resolver.async_resolve(url_.host, std::to_string(url_.port), use_awaitable);
  co_await net::async_connect(socket_, endpoints, use_awaitable);
  socket_.set_option(net::ip::tcp::no_delay(true));
  reader_ = std::make_unique<ReplyReader>(options_.max_reply_bytes);
  read_buf_.resize(16 * 1024);

  std::size_t expected = 0;
  const std::string greeting = greeting_for(url_, expected);
  if (expected > 0) {
    co_await net::async_write(socket_, net::buffer(greeting), use_awaitable);
    while (expected > 0) {
      std::size_t n = co_await socket_.async_read_some(net::buffer(read_buf_), use_awaitable);
      reader_->feed({read_buf_.data(), n});
      while (expected > 0) {
        auto reply = reader_->next();
        if (!reply) break;
        if (reply->is_error()) throw Error(ErrorKind::server, "redis: AUTH/SELECT refused: " + reply->str);
        expected--;
      }
    }
  }
  *greeted = true;
  watchdog.cancel();
  last_activity_ = Clock::now();
}

awaitable<void> Client::session() {
  const auto generation = generation_;
  net::co_spawn(strand_, writer(generation), net::detached);
  net::co_spawn(strand_, pinger(generation), net::detached);
  for (;;) {
    std::size_t n = co_await socket_.async_read_some(net::buffer(read_buf_), use_awaitable);
    last_activity_ = Clock::now();
    reader_->feed({read_buf_.data(), n});
    while (auto reply = reader_->next()) {
      if (in_flight_.empty()) throw Error(ErrorKind::protocol, "redis: a reply to no command");
      auto p = std::move(in_flight_.front());
      in_flight_.pop_front();
      complete(p, std::move(*reply));
    }
  }
}

awaitable<void> Client::writer(std::uint64_t generation) {
  std::string out;
  while (generation == generation_ && phase_ == Phase::connected) {
    if (to_write_.empty()) {
      wake_writer_.expires_at(Clock::time_point::max());
      boost::system::error_code ec;
      co_await wake_writer_.async_wait(net::redirect_error(use_awaitable, ec));
      continue;
    }
    // Everything queued goes out in one write, in order (pipelining).
    out.clear();
    while (!to_write_.empty()) {
      auto p = std::move(to_write_.front());
      to_write_.pop_front();
      if (p->finished) continue;  // its caller gave up before it was sent
      out += p->bytes;
      std::string().swap(p->bytes);
      in_flight_.push_back(std::move(p));
    }
    if (out.empty()) continue;
    last_activity_ = Clock::now();
    boost::system::error_code ec;
    co_await net::async_write(socket_, net::buffer(out), net::redirect_error(use_awaitable, ec));
    if (ec) {
      if (generation == generation_) drop("write: " + ec.message());
      co_return;
    }
    if (out.capacity() > (64u << 10)) std::string().swap(out);  // a big command's buffer is not kept
  }
}

awaitable<void> Client::pinger(std::uint64_t generation) {
  net::steady_timer timer(strand_);
  while (generation == generation_) {
    timer.expires_after(options_.ping_idle);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(use_awaitable, ec));
    if (generation != generation_ || phase_ != Phase::connected) co_return;
    if (Clock::now() - last_activity_ < options_.ping_idle || !to_write_.empty() || !in_flight_.empty()) continue;
    try {
      co_await exchange(ping_bytes());
    } catch (const std::exception&) {
      // A timeout already dropped the connection: state() follows.
    }
  }
}

}  // namespace keel::redis
