#include "db/connection.hpp"

#include <map>
#include <optional>
#include <set>
#include <random>
#include <thread>

#include "db/pq.hpp"

namespace tutorbot::db {

namespace {

// libpq waits for a dead host as long as the OS lets it; a bounded connect keeps a worker
// answering "unavailable" promptly during an outage.
std::string with_connect_timeout(std::string url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!is_uri) return url + " connect_timeout=3";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=3";
}

}  // namespace

struct connection::impl {
  std::string url;
  backoff_policy backoff;
  std::optional<pqxx::connection> link;
  std::set<std::string> prepared;  // statements prepared on the current link
  // Every statement ever prepared on this connection: a new link (after a reconnect, also in
  // the middle of transact's retry) gets them all again before anything runs on it.
  std::map<std::string, std::string> definitions;
  std::chrono::steady_clock::time_point next_attempt{};
  std::chrono::milliseconds delay{0};
  std::mt19937 jitter{std::random_device{}()};

  void schedule_retry() {
    delay = delay.count() == 0 ? backoff.first : std::min(delay * 2, backoff.max);
    std::uniform_int_distribution<long> spread(0, delay.count() / 2);
    next_attempt = std::chrono::steady_clock::now() + delay +
                   std::chrono::milliseconds(spread(jitter));
  }
};

connection::connection(std::string url, backoff_policy backoff)
    : impl_(std::make_unique<impl>()) {
  impl_->url = with_connect_timeout(std::move(url));
  impl_->backoff = backoff;
}

connection::~connection() = default;

void connection::ensure_open() {
  auto& s = *impl_;
  if (s.link && s.link->is_open()) return;
  s.link.reset();
  s.prepared.clear();
  if (std::chrono::steady_clock::now() < s.next_attempt) {
    throw unavailable("the database is unreachable; reconnecting with backoff");
  }
  try {
    s.link.emplace(s.url);
    for (const auto& [name, sql] : s.definitions) {
      s.link->prepare(name, sql);
      s.prepared.insert(name);
    }
    s.delay = std::chrono::milliseconds{0};
    s.next_attempt = {};
  } catch (const pqxx::broken_connection& e) {
    s.link.reset();
    s.schedule_retry();
    // libpq's message names host and port but never the password.
    throw unavailable(std::string("cannot connect to the database: ") + e.what());
  }
}

bool connection::is_open() const { return impl_->link && impl_->link->is_open(); }

void connection::mark_broken() {
  impl_->link.reset();
  impl_->prepared.clear();
}

connection::impl& connection::internals() { return *impl_; }

void prepare(connection& conn, const std::string& name, const std::string& sql) {
  auto& s = conn.internals();
  s.definitions.emplace(name, sql);
  if (s.prepared.count(name)) return;
  raw(conn).prepare(name, sql);
  s.prepared.insert(name);
}

pqxx::connection& raw(connection& conn) {
  conn.ensure_open();
  return *conn.internals().link;
}

}  // namespace tutorbot::db
