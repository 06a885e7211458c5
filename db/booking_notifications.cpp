#include "db/booking_notifications.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "db/pq.hpp"
#include "db/socket_deadline.hpp"

namespace tutorbot::db {

namespace {

constexpr const char* booking_channel = "booking_changed";

class receiver : public pqxx::notification_receiver {
 public:
  receiver(pqxx::connection_base& c, std::vector<domain::booking>& sink)
      : pqxx::notification_receiver(c, booking_channel), sink_(sink) {}
  void operator()(const std::string& payload, int) override {
    if (auto b = parse_booking_notification(payload)) sink_.push_back(std::move(*b));
  }

 private:
  std::vector<domain::booking>& sink_;
};

std::chrono::sys_seconds at(const boost::json::value& v) {
  return std::chrono::sys_seconds{std::chrono::seconds{v.to_number<long long>()}};
}

}  // namespace

std::optional<domain::booking> parse_booking_notification(const std::string& payload) {
  boost::system::error_code ec;
  auto value = boost::json::parse(payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto& o = value.as_object();
  try {
    domain::booking b;
    b.id = domain::booking_id{std::string(o.at("id").as_string())};
    b.tutor = domain::tutor_id{std::string(o.at("tutor_id").as_string())};
    if (auto* ref = o.if_contains("student_ref"); ref && ref->is_string()) b.student_ref = std::string(ref->as_string());
    auto status = domain::parse_booking_status(std::string(o.at("status").as_string()));
    if (!status) return std::nullopt;
    b.status = *status;
    b.lesson_start = at(o.at("lesson_start"));
    b.lesson_end = at(o.at("lesson_end"));
    b.blocked_start = at(o.at("blocked_start"));
    b.blocked_end = at(o.at("blocked_end"));
    if (auto* e = o.if_contains("hold_expires_at"); e && !e->is_null()) b.hold_expires_at = at(*e);
    return b;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A listening connection sends nothing while it waits, so nothing would notice a server that
// froze or a connection that was black-holed: the listener would stay deaf for good. It
// asks the server something this often, and waits for that answer (and for LISTEN's) no
// longer than the connection's answer timeout.
constexpr auto liveness_probe_interval = std::chrono::seconds(10);
// UNLISTEN on the way out is a courtesy: a stopping service waits this long for it at most.
constexpr auto goodbye_wait = std::chrono::seconds(1);

struct booking_listener::impl {
  explicit impl(std::string u) : conn(std::move(u)) {}
  connection conn;
  std::unique_ptr<receiver> listening;  // ends before its link does: it UNLISTENs on it
  std::vector<domain::booking> received;
  bool fresh = false;
  std::chrono::steady_clock::time_point probed;

  void drop() {
    listening.reset();
    conn.mark_broken();
  }
};

booking_listener::booking_listener(std::string url) : impl_(std::make_unique<impl>(std::move(url))) {}

booking_listener::~booking_listener() {
  auto& s = *impl_;
  if (s.listening && s.conn.is_open()) {
    socket_deadline answer_by(raw(s.conn).sock(), std::chrono::steady_clock::now() + goodbye_wait);
    s.listening.reset();
  }
}

std::vector<domain::booking> booking_listener::poll(std::chrono::milliseconds wait) {
  auto& s = *impl_;
  try {
    if (s.listening && !s.conn.is_open()) s.listening.reset();
    auto& link = raw(s.conn);
    const auto now = std::chrono::steady_clock::now();
    {
      socket_deadline answer_by(link.sock(), now + s.conn.answer_timeout());
      if (!s.listening) {
        s.listening = std::make_unique<receiver>(link, s.received);
        link.get_notifs();  // issues the LISTEN
        s.fresh = true;
        s.probed = now;
      } else if (now - s.probed >= liveness_probe_interval) {
        pqxx::nontransaction(link).exec("SELECT 1");
        s.probed = now;
      }
    }
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
    link.await_notification(micros / 1000000, micros % 1000000);
  } catch (const pqxx::broken_connection&) {
    s.drop();
    throw unavailable("the notification connection was lost");
  }
  return std::exchange(s.received, {});
}

bool booking_listener::reconnected() { return std::exchange(impl_->fresh, false); }

}  // namespace tutorbot::db
