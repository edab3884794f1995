// The server torn down while handlers are still queued on its io contexts
// (a shutdown whose grace period has not run out when the process ends).
// The contexts are destroyed one after the other; whichever handler drops
// the server's state last must not reach an I/O object of a context that
// is already gone. AddressSanitizer (scripts/test) reports it if it does.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>

using namespace keel;

namespace {

int connect_to(unsigned port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True when the peer closed the connection within a second.
bool closed_by_server(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 1000) != 1) return false;
  char c;
  return ::recv(fd, &c, 1, 0) <= 0;
}

}  // namespace

TEST(ServerTeardown, QueuedHandlersOnAnyContextOutliveTheOthersSafely) {
  ServerOptions cfg;
  cfg.port = 0;
  cfg.shutdown_grace_s = 30;
  auto ios = std::make_unique<IoPool>(2);
  auto server =
      std::make_unique<Server>(cfg, *ios, [](Request&) -> awaitable<Response> { co_return Response::text(200, "ok"); });
  unsigned port = server->start();

  // Two idle clients: connections go round robin, one to each context.
  int a = connect_to(port), b = connect_to(port);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  for (int i = 0; i < 200 && server->stats().connections_in_use < 2; ++i) {
    ios->at(0).poll();
    ios->at(1).poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(server->stats().connections_in_use, 2u);

  // The shutdown runs on the main context: it stops accepting, posts "close
  // idle connections" to both contexts and arms the grace timer. Context 1
  // never runs again, so its handler (and its session) stay queued, holding
  // the server's state, as when the process ends mid-grace.
  bool drained = false;
  server->shutdown([&] { drained = true; });
  ios->at(0).poll();  // may also close context 0's own idle connection
  EXPECT_FALSE(drained);
  EXPECT_GE(server->stats().connections_in_use, 1u);  // context 1's is still open

  server.reset();
  ios.reset();  // context 0 destroyed first, then context 1 and what it held

  // Nothing was left open: both clients see the connection closed.
  EXPECT_TRUE(closed_by_server(a));
  EXPECT_TRUE(closed_by_server(b));
  ::close(a);
  ::close(b);
}
