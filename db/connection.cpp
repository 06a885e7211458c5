#include "db/connection.hpp"

#include <map>
#include <optional>
#include <set>
#include <random>
#include <thread>

#include "db/pq.hpp"
#include "db/socket_deadline.hpp"

namespace tutorbot::db {

namespace {

bool is_uri(const std::string& url) { return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0; }

// Appends key=value unless the URL names the key already (the operator's own choice wins).
void add_parameter(std::string& url, const std::string& key, const std::string& value) {
  if (url.find(key + "=") != std::string::npos) return;
  if (!is_uri(url)) {
    url += " " + key + "='" + value + "'";
    return;
  }
  std::string encoded;
  for (char c : value) {
    if (c == ' ') encoded += "%20";
    else if (c == '=') encoded += "%3D";
    else encoded += c;
  }
  url += (url.find('?') == std::string::npos ? "?" : "&") + key + "=" + encoded;
}

std::string milliseconds_of(std::chrono::seconds s) { return std::to_string(s.count() * 1000); }

// The password of a URL (postgresql://user:password@host or password=… in key=value form),
// as written; empty when there is none.
std::string password_in(const std::string& url) {
  if (is_uri(url)) {
    auto start = url.find("://") + 3;
    auto at = url.find('@', start);
    if (at == std::string::npos) return {};
    auto colon = url.find(':', start);
    return colon != std::string::npos && colon < at ? url.substr(colon + 1, at - colon - 1) : std::string{};
  }
  auto key = url.find("password=");
  if (key == std::string::npos) return {};
  auto start = key + 9;
  if (start < url.size() && url[start] == '\'') return url.substr(start + 1, url.find('\'', start + 1) - start - 1);
  return url.substr(start, url.find(' ', start) - start);
}

// libpq quotes parts of a malformed URL in its errors: never the password in a log.
std::string without_password(std::string message, const std::string& url) {
  const auto password = password_in(url);
  if (password.empty()) return message;
  for (auto at = message.find(password); at != std::string::npos; at = message.find(password, at + 3))
    message.replace(at, password.size(), "***");
  return message;
}

// libpq waits for a dead host as long as the OS lets it; a bounded connect keeps a worker
// answering "unavailable" promptly during an outage. URLs made without limits get this one.
constexpr std::chrono::seconds default_connect_timeout{3};

// The margin past the server's own statement timeout before a connection stops waiting.
constexpr std::chrono::seconds answer_margin{5};
constexpr std::chrono::seconds answer_timeout_without_statement_timeout{60};

}  // namespace

std::string url_with_limits(const std::string& url, const session_limits& limits) {
  std::string out = url;
  add_parameter(out, "connect_timeout", std::to_string(limits.connect_timeout.count()));
  // A peer that vanished: probes after 10 s idle, every 5 s, 3 unanswered end it; data
  // unacknowledged for the statement timeout ends it too.
  add_parameter(out, "keepalives", "1");
  add_parameter(out, "keepalives_idle", "10");
  add_parameter(out, "keepalives_interval", "5");
  add_parameter(out, "keepalives_count", "3");
  add_parameter(out, "tcp_user_timeout", milliseconds_of(limits.statement_timeout));
  // A transaction left open by a client that froze would hold its row locks until then.
  add_parameter(out, "options",
                "-c statement_timeout=" + milliseconds_of(limits.statement_timeout) +
                    " -c lock_timeout=" + milliseconds_of(limits.lock_timeout) +
                    " -c idle_in_transaction_session_timeout=" + milliseconds_of(4 * limits.statement_timeout));
  return out;
}

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
  std::chrono::milliseconds answer_timeout = answer_timeout_without_statement_timeout;
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
  if (url.find("connect_timeout=") == std::string::npos) {
    add_parameter(url, "connect_timeout", std::to_string(default_connect_timeout.count()));
  }
  impl_->url = std::move(url);
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
    {
      // The server may freeze right after accepting us: even these answers are awaited only so long.
      socket_deadline answer_by(s.link->sock(), std::chrono::steady_clock::now() + s.answer_timeout);
      auto statement_ms = pqxx::nontransaction(*s.link).exec1(
          "SELECT (extract(epoch FROM current_setting('statement_timeout')::interval) * 1000)::bigint")[0].as<long long>();
      s.answer_timeout = statement_ms > 0 ? std::chrono::milliseconds{statement_ms} + answer_margin
                                          : std::chrono::milliseconds{answer_timeout_without_statement_timeout};
      for (const auto& [name, sql] : s.definitions) {
        s.link->prepare(name, sql);
        s.prepared.insert(name);
      }
    }
    s.delay = std::chrono::milliseconds{0};
    s.next_attempt = {};
  } catch (const pqxx::broken_connection& e) {
    s.link.reset();
    s.prepared.clear();
    s.schedule_retry();
    throw unavailable("cannot connect to the database: " + without_password(e.what(), s.url));
  } catch (const pqxx::failure& e) {
    // A URL libpq cannot read (pqxx reports it as another failure than a broken connection).
    s.link.reset();
    s.prepared.clear();
    s.schedule_retry();
    throw unavailable("cannot connect to the database: " + without_password(e.what(), s.url));
  }
}

bool connection::is_open() const { return impl_->link && impl_->link->is_open(); }

void connection::mark_broken() {
  impl_->link.reset();
  impl_->prepared.clear();
}

std::chrono::milliseconds connection::answer_timeout() const { return impl_->answer_timeout; }

connection::impl& connection::internals() { return *impl_; }

void prepare(connection& conn, const std::string& name, const std::string& sql) {
  auto& s = conn.internals();
  s.definitions.emplace(name, sql);
  if (s.prepared.count(name)) return;
  auto& link = raw(conn);
  try {
    socket_deadline answer_by(link.sock(), std::chrono::steady_clock::now() + s.answer_timeout);
    link.prepare(name, sql);
  } catch (const pqxx::broken_connection&) {
    conn.mark_broken();
    throw unavailable("the database connection was lost");
  }
  s.prepared.insert(name);
}

pqxx::connection& raw(connection& conn) {
  conn.ensure_open();
  return *conn.internals().link;
}

}  // namespace tutorbot::db
