#pragma once
// The HTTP/1.1 server: accept, read headers under a deadline, hand a Request
// with a lazy body to the handler, write the Response (in memory, file
// segments with sendfile, or chunked stream), keep-alive, graceful shutdown.
// Beast stays behind this header (server.cpp and the http/ files it uses).
#include "http/http.hpp"
#include "http/io_pool.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace keel {

// What the server needs of the configuration (app/ fills it from Config).
struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned port = 8000;
  double header_timeout_s = 10;  // time to receive a request header
  double idle_timeout_s = 60;    // keep-alive idle; also each body read and write
  double shutdown_grace_s = 30;  // in-flight requests may finish this long after shutdown()
  unsigned max_connections = 1024;
};

struct ServerStats {
  std::size_t connections_in_use = 0;
  std::size_t connections_max = 0;
  std::uint64_t connections_rejected_total = 0;
};

class Server {
 public:
  using RequestHandler = std::function<awaitable<Response>(Request&)>;
  Server(ServerOptions options, IoPool& ios, RequestHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port (useful with port 0).
  unsigned start();
  // Stop accepting, close idle connections, let in-flight requests finish
  // for up to the grace period, then close the rest. on_drained runs once
  // no connection is left.
  void shutdown(std::function<void()> on_drained);
  ServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace keel
