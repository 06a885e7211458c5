// Invariant 4 under crashes: tutorbot is killed with SIGKILL at random moments while
// students hold, check out and pay; after the last restart every paid Checkout Session ends
// as a confirmed booking or a refund, and every confirmed booking has one calendar event.
#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/crashing_tutorbot.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/google/sandbox_server.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string auth = "Authorization: Bearer test-api-token\r\n";

// An API call that may meet a dead or restarting tutorbot: retried until it answers.
testing::raw_response call(unsigned short port, const std::string& method, const std::string& target,
                           const std::string& body = "") {
  auto until = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    try {
      auto r = testing::http_request(port, method, target, body, auth);
      if (r.status != 503 && r.status != 502) return r;
    } catch (const std::exception&) {
    }
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error(method + " " + target + " never answered");
    std::this_thread::sleep_for(5ms);  // a pause between polls, so the restarting service gets the cores
  }
}

// Runs the kills the test asks for, one after another on its own thread, so a journey goes
// on (and meets the dead process) while tutorbot dies. Each kill waits until the process
// before it serves, then gives it a random 0-300 ms of uptime.
class crash_schedule {
 public:
  crash_schedule(testing::crashing_tutorbot& tutorbot, std::mt19937& random)
      : tutorbot_(tutorbot), uptime_ms_(0, 300), random_(random()), thread_([this] { run(); }) {}
  ~crash_schedule() { finish(); }

  void request() {
    std::lock_guard lock(mutex_);
    ++requested_;
    changed_.notify_all();
  }

  // Returns once every requested kill is done.
  void finish() {
    {
      std::unique_lock lock(mutex_);
      finishing_ = true;
      changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return requested_ > done_ || finishing_; });
      if (requested_ == done_) return;  // finishing, nothing left
      lock.unlock();
      if (!tutorbot_.ready(60s)) BOOST_ERROR("tutorbot did not become ready after a restart");
      // Not a wait for anything: the random moment of this life at which to kill it.
      std::this_thread::sleep_for(std::chrono::milliseconds(uptime_ms_(random_)));
      tutorbot_.kill_and_restart();
      lock.lock();
      ++done_;
    }
  }

  testing::crashing_tutorbot& tutorbot_;
  std::uniform_int_distribution<int> uptime_ms_;
  std::mt19937 random_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t requested_ = 0, done_ = 0;
  bool finishing_ = false;
  std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(payment_crash)

BOOST_AUTO_TEST_CASE(after_kills_at_random_moments_every_paid_session_is_booked_or_refunded) {
  testing::google_sandbox_server google;
  // Deliveries retried for about 15 s, as Stripe keeps retrying (for days): a webhook sent
  // while tutorbot is down arrives after its restart. Anything lost anyway is the
  // reconciler's (every 60 s with the shipped configuration).
  auto options = testing::stripe_sandbox_server::test_options();
  options.webhook_retry = {100ms, 2000ms, 12};
  testing::stripe_sandbox_server stripe(options);
  const auto port = testing::free_port();
  const auto database = testing::fresh_database("e2e_crash");
  auto env = testing::sandbox_environment();
  env["DATABASE_URL"] = database;
  env["TUTORBOT_LISTEN"] = "127.0.0.1:" + std::to_string(port);
  env["STRIPE_API_BASE"] = stripe.base_url();
  env["STRIPE_SECRET_KEY"] = stripe.secret_key();
  env["STRIPE_WEBHOOK_SECRET"] = testing::test_webhook_secret;
  env["GCAL_API_BASE"] = google.base_url();
  env["GCAL_SERVICE_ACCOUNT_JSON"] = google.key_path();
  stripe.sandbox().set_webhook_endpoint("http://127.0.0.1:" + std::to_string(port) + "/webhooks/stripe",
                                        testing::test_webhook_secret);
  testing::crashing_tutorbot tutorbot(env, port);
  BOOST_REQUIRE(tutorbot.ready(60s));

  // Free starts over two tutors, a week out: one lesson each.
  std::vector<std::pair<std::string, std::string>> slots;
  for (const char* tutor : {"anouk", "daan"}) {
    auto r = call(port, "GET", std::string("/api/v1/tutors/") + tutor + "/slots?from=" +
                                   testing::local_date_in(7) + "&to=" + testing::local_date_in(20) +
                                   "&duration=60");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.body);
    auto list = json::parse(r.body).as_array();
    // Every third start, so buffers never make neighbours collide.
    for (std::size_t i = 0; i < list.size() && slots.size() < 30; i += 3)
      slots.emplace_back(tutor, std::string(list[i].as_object().at("start").as_string()));
  }
  BOOST_REQUIRE(slots.size() >= 20u);

  // Kills come after chosen steps of the students' journeys (a hold answered, a checkout
  // answered, a payment pressed while its webhook is on its way), each a random 0-300 ms of
  // uptime later, so their number is set by construction, not by the machine's speed.
  enum step { held_step, checked_out_step, paid_step, steps };
  constexpr std::size_t planned_kills = 12;
  std::mt19937 random(std::random_device{}());
  std::vector<bool> kill_after(slots.size() * steps, false);
  {
    std::vector<std::size_t> points(kill_after.size());
    std::iota(points.begin(), points.end(), 0);
    std::shuffle(points.begin(), points.end(), random);
    for (std::size_t i = 0; i < planned_kills; ++i) kill_after[points[i]] = true;
  }
  crash_schedule kills(tutorbot, random);

  std::vector<std::string> paid_sessions;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const auto& [tutor, start] = slots[i];
    std::size_t next_step = 0;
    auto passed = [&](step s) {  // and the steps a journey that ended early skipped
      for (; next_step <= static_cast<std::size_t>(s); ++next_step)
        if (kill_after[i * steps + next_step]) kills.request();
    };
    [&] {
      auto held = call(port, "POST", "/api/v1/holds",
                       R"({"tutor_id":")" + tutor + R"(","start":")" + start +
                           R"(","duration_minutes":60,"student_ref":"crash"})");
      passed(held_step);
      if (held.status != 201) return;  // a hold whose answer died with the process: it expires unpaid
      auto booking = std::string(json::parse(held.body).at("booking_id").as_string());
      auto checkout = call(port, "POST", "/api/v1/bookings/" + booking + "/checkout", "{}");
      passed(checked_out_step);
      if (checkout.status != 201) return;
      auto session = std::string(json::parse(checkout.body).at("session_id").as_string());
      testing::stripe_api api{stripe.port(), stripe.secret_key()};
      auto paid = api.press(session, "pay");
      BOOST_TEST_MESSAGE("pay " << session << ": " << paid.status << " " << paid.text.substr(0, 200));
      if (paid.status == 200) paid_sessions.push_back(session);
    }();
    passed(paid_step);
  }
  kills.finish();
  tutorbot.kill_and_restart();  // and a last one after the payments
  BOOST_REQUIRE(tutorbot.ready(60s));
  BOOST_TEST_MESSAGE("tutorbot was started " << tutorbot.starts() << " times; " << paid_sessions.size()
                                             << " sessions paid");
  const auto settle_start = std::chrono::steady_clock::now();
  BOOST_TEST(tutorbot.starts() == static_cast<int>(1 + planned_kills + 1));
  BOOST_REQUIRE(paid_sessions.size() >= 10u);

  pqxx::connection db(database);
  auto settled = [&](const std::string& session) {
    auto rows = pqxx::nontransaction(db).exec_params(
        "SELECT o.status, coalesce(b.status, '') FROM orders o LEFT JOIN bookings b ON b.order_id = o.id "
        "WHERE o.stripe_checkout_session_id = $1",
        session);
    if (rows.empty()) return false;
    auto order = rows[0][0].as<std::string>();
    auto booking = rows[0][1].as<std::string>();
    return (order == "paid" && booking == "confirmed") || order == "refunded";
  };
  for (const auto& session : paid_sessions)
    BOOST_TEST(testing::eventually([&] { return settled(session); }, 90s), session << " is neither booked nor refunded");

  BOOST_TEST_MESSAGE("all settled after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - settle_start).count()
                                          << " ms");
  // Exactly one calendar event per confirmed booking, once the outbox is done.
  BOOST_TEST(testing::eventually(
      [&] {
        auto pending = pqxx::nontransaction(db).exec1(
            "SELECT count(*) FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL")[0].as<long>();
        return pending == 0;
      },
      60s));
  auto confirmed = pqxx::nontransaction(db).exec1("SELECT count(*) FROM bookings WHERE status = 'confirmed'")[0].as<long>();
  long events = 0;
  for (const auto& calendar : {"anouk@bijlesschool-example.nl", "daan@bijlesschool-example.nl"})
    events += static_cast<long>(google.sandbox().event_ids(calendar).size());
  BOOST_TEST(events == confirmed);
}

BOOST_AUTO_TEST_SUITE_END()
