#pragma once
// The service catalogue in MariaDB (the services table). Every call checks a
// pooled connection out for just its statement or transaction; all SQL is
// prepared, values are bound. Inside another repository's transaction use
// services/catalogue/sql.hpp instead.
#include "services/catalogue/model.hpp"
#include "services/db/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace keel::catalogue {

// create(): another service has this slug.
struct DuplicateSlug : std::runtime_error {
  explicit DuplicateSlug(const std::string& slug) : std::runtime_error("duplicate slug " + slug) {}
};
// remove(): a booking names the service.
struct ServiceInUse : std::runtime_error {
  explicit ServiceInUse(const std::string& slug) : std::runtime_error("service " + slug + " has bookings") {}
};

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}

  // By slug; inactive ones only when asked.
  boost::asio::awaitable<std::vector<Service>> list(bool include_inactive);
  boost::asio::awaitable<std::optional<Service>> get(std::string slug);
  // What a booking's `service` names: the slug, else an entry whose
  // legacy_name equals it (collation-equal: "Massage " finds "massage").
  boost::asio::awaitable<std::optional<Service>> find_for_booking(std::string name);
  // Inserts every field but id, updated_at and bookings_version (the row's
  // are returned). Throws DuplicateSlug.
  boost::asio::awaitable<Service> create(Service s);
  // Replaces every field of the service `slug` but its slug (a PATCH merges
  // first); nothing when there is no such service.
  boost::asio::awaitable<std::optional<Service>> replace(std::string slug, Service s);
  // true: removed, as no booking names it; throws ServiceInUse otherwise;
  // nothing when there is no such service.
  boost::asio::awaitable<std::optional<bool>> remove(std::string slug);

 private:
  db::Pool& pool_;
};

}  // namespace keel::catalogue
