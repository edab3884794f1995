#pragma once
// The HTTP/1.1 server: accept, read headers under a deadline, hand a Request
// with a lazy body to the handler, write the Response (in memory, file
// segments with sendfile, or chunked stream), keep-alive, graceful shutdown.
// Beast is used only in server.cpp.
#include "app/config.hpp"
#include "app/http.hpp"
#include "app/io_pool.hpp"

#include <atomic>
#include <functional>
#include <memory>

namespace keel {

struct ServerStats {
  std::size_t connections_in_use = 0;
  std::size_t connections_max = 0;
  std::uint64_t connections_rejected_total = 0;
};

class Server {
 public:
  using RequestHandler = std::function<awaitable<Response>(Request&)>;
  Server(const Config& cfg, IoPool& ios, RequestHandler handler);
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
