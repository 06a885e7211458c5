#include "tests/support/campaign/fault_campaign.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <pqxx/pqxx>

#include "net/router.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"
#include "tests/support/dates.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/google/sandbox_server.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/stripe/fixture.hpp"

namespace tutorbot::testing {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// ---- texts the students wait for (tests/golden/dialogue) ------------------------------------

const std::string menu_text = "Waarmee kan ik je helpen";
const std::string suggestions_text = "Deze tijden zijn vrij";
const std::string link_text = "Betaal hier";
const std::string booked_text = "Je les staat vast";
const std::string declined_text = "De betaling is niet gelukt";
const std::string handoff_text = "Ik geef je door aan een medewerker";

// ---- a balancer that keeps an instance out of rotation while it is down or paused -----------

class balancer {
 public:
  explicit balancer(std::vector<unsigned short> ports) : ports_(std::move(ports)), in_rotation_(ports_.size()) {
    for (auto& r : in_rotation_) r = true;
    net::router routes;
    for (const char* path : {"/webhooks/chatwoot", "/webhooks/stripe"})
      routes.add("POST", path, [this](net::server_request&& req, net::respond_fn respond) { forward(std::move(req), respond); });
    server_ = std::make_unique<loopback_server>(std::move(routes));
  }

  ~balancer() {
    server_.reset();  // no new requests
    std::vector<std::thread> running;
    {
      std::lock_guard lock(mutex_);
      running.swap(threads_);
    }
    for (auto& t : running) t.join();
  }

  void set_in_rotation(std::size_t instance, bool in) { in_rotation_[instance] = in; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  // A blocking forward on its own thread: a slow instance never holds the others up.
  void forward(net::server_request req, net::respond_fn respond) {
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, req = std::move(req), respond] {
      std::string headers;
      for (const auto& [name, value] : req.headers) {
        if (name == "Host" || name == "host" || name == "Content-Length" || name == "content-length") continue;
        headers += name + ": " + value + "\r\n";
      }
      const auto first = next_.fetch_add(1);
      for (std::size_t i = 0; i < ports_.size(); ++i) {
        auto which = (first + i) % ports_.size();
        if (!in_rotation_[which]) continue;
        try {
          auto r = http_request(ports_[which], req.method, req.target, req.body, headers);
          return respond(net::server_response::text(r.status, r.body, "application/json"));
        } catch (const std::exception&) {
          // not listening (killed, restarting): the next one
        }
      }
      respond(net::server_response::error(502, "no_instance", "no tutorbot instance is in rotation"));
    });
  }

  std::vector<unsigned short> ports_;
  std::vector<std::atomic<bool>> in_rotation_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::unique_ptr<loopback_server> server_;
};

// ---- the instances -------------------------------------------------------------------------

struct instance {
  unsigned short port = 0;
  int starts = 0;
  std::unique_ptr<child_process> process;
};

bool ready(const instance& in, std::chrono::seconds limit) {
  return eventually(
      [&] {
        try {
          return http_request(in.port, "GET", "/readyz").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      limit);
}

// tests/config, with the catch-up and the reconciler turned quick: what a lost webhook waits for.
std::string tuned_config(const std::string& from) {
  auto dir = std::filesystem::temp_directory_path() / ("tutorbot-campaign-config-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* name : {"calendar_config.yaml", "payment_config.yaml"})
    std::filesystem::copy_file(std::filesystem::path(from) / name, dir / name,
                               std::filesystem::copy_options::overwrite_existing);
  std::ifstream in(std::filesystem::path(from) / "tutorbot.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto yaml = text.str();
  auto set = [&](const std::string& key, const std::string& value) {
    auto at = yaml.find(key + ":");
    if (at == std::string::npos) throw std::runtime_error("tutorbot.yaml has no " + key);
    auto end = yaml.find_first_of(" \n#", at + key.size() + 2);
    yaml.replace(at, end - at, key + ": " + value);
  };
  set("catchup_seconds", "5");
  set("reconcile_seconds", "10");
  set("busy_refresh_seconds", "30");
  std::ofstream(dir / "tutorbot.yaml") << yaml;
  return dir.string();
}

// ---- what the students did ------------------------------------------------------------------

struct history {
  std::mutex mutex;
  std::vector<std::int64_t> conversations;
  std::vector<std::string> paid_sessions;
  int journeys = 0, booked = 0;
};

struct world {
  const campaign_options& options;
  chatwoot_sandbox_server& chatwoot;
  stripe_sandbox_server& stripe;
  history& record;
  std::atomic<bool>& stopping;
};

// The student writes and waits for a bot message containing one of `expected`; the one it
// found, or "" when none came in time (or the campaign is stopping).
std::string say(const world& w, std::int64_t conversation, const std::string& text,
                const std::vector<std::string>& expected, std::string* reply = nullptr) {
  auto bot_lines = [&] {
    std::vector<sandbox::chatwoot::transcript_line> out;
    if (auto t = w.chatwoot.sandbox().transcript(conversation))
      for (auto& l : t->messages)
        if (l.from == "bot") out.push_back(std::move(l));
    return out;
  };
  const auto before = bot_lines().size();
  if (!w.chatwoot.sandbox().student_writes(conversation, text)) return {};
  std::string found;
  eventually(
      [&] {
        if (w.stopping) return true;
        auto lines = bot_lines();
        for (std::size_t i = before; i < lines.size(); ++i)
          for (const auto& e : expected)
            if (lines[i].content.find(e) != std::string::npos) {
              found = e;
              if (reply) *reply = lines[i].content;
              return true;
            }
        return false;
      },
      // A claim held by a paused instance is taken over after its lease (60 s).
      150s);
  return found;
}

std::string session_in(const std::string& text) {
  auto at = text.find("http");
  if (at == std::string::npos) return {};
  auto url = text.substr(at, text.find_first_of(" \n", at) - at);
  return url.substr(url.rfind('/') + 1);
}

// A new student books a 60-minute lesson with any tutor on a day a few days ahead and pays
// (or sees the card declined). Whatever the faults make of it, the journey ends; the checker
// judges the history afterwards.
void journey(const world& w, int student, int number, std::mt19937& random) {
  char phone[32];
  std::snprintf(phone, sizeof phone, "+3161%03d%04d", student, number);
  // Each journey its own contact: Chatwoot refuses a second contact with the same e-mail.
  auto opened = w.chatwoot.sandbox().open_conversation(
      phone, "Student " + std::to_string(student),
      "student" + std::to_string(student) + "-" + std::to_string(number) + "@example.nl");
  const auto c = opened.conversation_id;
  {
    std::lock_guard lock(w.record.mutex);
    w.record.conversations.push_back(c);
    ++w.record.journeys;
  }
  auto step = [&](const std::string& text, const std::string& expect) { return !say(w, c, text, {expect}).empty(); };
  if (!step("Hoi", menu_text) || !step("Les boeken", "Dit heb ik al van je") || !step("ja", "leerling of als ouder") ||
      !step("Leerling", "niveau") || !step("havo 4", "vak") || !step("Wiskunde B", "bereiken") ||
      !step("Een voldoende", "Hoe lang") || !step("1", "Bij wie") || !step("Maakt niet uit", suggestions_text))
    return;
  const int days_ahead = std::uniform_int_distribution<int>(3, 30)(random);
  if (!step(working_day_typed(days_ahead), suggestions_text)) return;
  std::string link;
  const auto pick = std::to_string(std::uniform_int_distribution<int>(1, 3)(random));
  if (!step(pick, "Wil je één les")) return;
  if (say(w, c, "Eén les", {link_text, "door iemand anders", "niets vrij", handoff_text}, &link) != link_text) return;
  const auto session = session_in(link);
  if (session.empty()) return;
  const bool pays = std::uniform_int_distribution<int>(1, 10)(random) <= 8;
  stripe_api stripe{w.stripe.port(), w.stripe.secret_key()};
  auto pressed = stripe.press(session, pays ? "pay" : "fail");
  if (pressed.status != 200) return;
  if (!pays) return;
  {
    std::lock_guard lock(w.record.mutex);
    w.record.paid_sessions.push_back(session);
  }
  auto t0 = steady::now();
  bool confirmed = eventually(
      [&] {
        if (w.stopping) return true;
        if (auto t = w.chatwoot.sandbox().transcript(c))
          for (const auto& l : t->messages)
            if (l.from == "bot" && l.content.find(booked_text) != std::string::npos) return true;
        return false;
      },
      150s);
  if (confirmed && steady::now() - t0 < 150s) {
    std::lock_guard lock(w.record.mutex);
    ++w.record.booked;
  }
}

// ---- the nemesis ----------------------------------------------------------------------------

struct nemesis {
  const campaign_options& options;
  std::vector<instance>& instances;
  balancer& lb;
  chatwoot_sandbox_server& chatwoot;
  stripe_sandbox_server& stripe;
  google_sandbox_server& google;
  campaign_report& report;
  std::mt19937& random;
  std::function<void(std::size_t)> start;

  std::size_t pick_instance() { return std::uniform_int_distribution<std::size_t>(0, instances.size() - 1)(random); }
  int pick(std::initializer_list<int> choices) {
    std::vector<int> v(choices);
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(random)];
  }

  void apply(fault_kind kind) {
    ++report.faults;
    options.log("fault " + std::to_string(report.faults) + ": " + to_string(kind));
    switch (kind) {
      case fault_kind::kill: {
        auto i = pick_instance();
        lb.set_in_rotation(i, false);
        instances[i].process->signal(SIGKILL);
        instances[i].process->wait_for_exit(10s);
        start(i);
        if (!ready(instances[i], 60s)) report.problems.push_back("instance " + std::to_string(i) + " not ready after a kill");
        lb.set_in_rotation(i, true);
        ++report.kills;
        break;
      }
      case fault_kind::pause: {
        auto i = pick_instance();
        lb.set_in_rotation(i, false);
        instances[i].process->signal(SIGSTOP);
        std::this_thread::sleep_for(options.pause_length);  // the fault itself: frozen this long
        instances[i].process->signal(SIGCONT);
        if (!ready(instances[i], 60s)) report.problems.push_back("instance " + std::to_string(i) + " not ready after a pause");
        lb.set_in_rotation(i, true);
        ++report.pauses;
        break;
      }
      case fault_kind::pg_restart:
        run_env_command("TUTORBOT_TEST_PG_RESTART");
        ++report.pg_restarts;
        break;
      case fault_kind::chatwoot_slow:  // the client waits 10 s for an answer
        chatwoot.sandbox().set_latency(12s);
        std::this_thread::sleep_for(options.slow_window);
        chatwoot.sandbox().set_latency(0ms);
        ++report.provider_faults;
        break;
      case fault_kind::chatwoot_failing:
        chatwoot.sandbox().fail_next(pick({2, 4, 6}), pick({429, 500, 502, 503}));
        ++report.provider_faults;
        break;
      case fault_kind::stripe_slow:  // the client waits 20 s for an answer
        stripe.sandbox().set_latency(22s);
        std::this_thread::sleep_for(options.slow_window);
        stripe.sandbox().set_latency(0ms);
        ++report.provider_faults;
        break;
      case fault_kind::stripe_failing:
        stripe.sandbox().fail_next(pick({2, 4}), pick({429, 500, 503}));
        ++report.provider_faults;
        break;
      case fault_kind::google_slow:  // tests/config: 10 s per request
        google.sandbox().set_latency(12s);
        std::this_thread::sleep_for(options.slow_window);
        google.sandbox().set_latency(0ms);
        ++report.provider_faults;
        break;
      case fault_kind::google_failing:
        google.sandbox().fail_next(pick({2, 4}), pick({0, 1}) ? sandbox::google_fault{429, "rateLimitExceeded"}
                                                              : sandbox::google_fault{503, "backendError"});
        ++report.provider_faults;
        break;
      case fault_kind::chatwoot_drops:
        chatwoot.sandbox().drop_next_webhooks(pick({1, 2}));
        ++report.dropped_webhooks;
        break;
      case fault_kind::stripe_drops:
        stripe.sandbox().drop_next_deliveries(pick({1, 2}));
        ++report.dropped_webhooks;
        break;
    }
  }

  fault_kind draw() {
    // Weights: kills and provider faults often; pauses and PostgreSQL restarts less.
    static const std::vector<std::pair<fault_kind, int>> weights = {
        {fault_kind::kill, 4},           {fault_kind::pause, 1},          {fault_kind::pg_restart, 2},
        {fault_kind::chatwoot_slow, 1},  {fault_kind::chatwoot_failing, 3}, {fault_kind::stripe_slow, 1},
        {fault_kind::stripe_failing, 3}, {fault_kind::google_slow, 1},    {fault_kind::google_failing, 3},
        {fault_kind::chatwoot_drops, 3}, {fault_kind::stripe_drops, 3}};
    int total = 0;
    for (const auto& [k, w] : weights) total += w;
    int at = std::uniform_int_distribution<int>(1, total)(random);
    for (const auto& [k, w] : weights)
      if ((at -= w) <= 0) return k;
    return fault_kind::kill;
  }
};

// ---- after the storm ------------------------------------------------------------------------

long scalar(pqxx::connection& db, const std::string& sql) {
  return pqxx::nontransaction(db).exec1(sql)[0].as<long>();
}

// Whatever waits for a retry is retried now: time passes faster than the backoffs would let it.
void due_now(pqxx::connection& db) {
  pqxx::nontransaction tx(db);
  tx.exec("UPDATE outbox SET due_at = now() WHERE done_at IS NULL AND gave_up_at IS NULL AND due_at > now()");
  tx.exec("UPDATE webhook_inbox SET next_attempt_at = now() WHERE processed_at IS NULL AND parked_at IS NULL "
          "AND next_attempt_at > now()");
  tx.exec("UPDATE conversation_events SET next_attempt_at = now() WHERE processed_at IS NULL AND parked_at IS NULL "
          "AND next_attempt_at > now()");
}

const char* pending_sql =
    "SELECT (SELECT count(*) FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL) + "
    "(SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL AND parked_at IS NULL) + "
    "(SELECT count(*) FROM conversation_events WHERE processed_at IS NULL AND parked_at IS NULL)";

void check_money(pqxx::connection& db, const std::vector<std::string>& paid, campaign_report& report) {
  for (const auto& session : paid) {
    auto rows = pqxx::nontransaction(db).exec_params(
        "SELECT o.status, coalesce(b.status, '') FROM orders o LEFT JOIN bookings b ON b.order_id = o.id "
        "WHERE o.stripe_checkout_session_id = $1",
        session);
    const bool settled = !rows.empty() && ((rows[0][0].as<std::string>() == "paid" && rows[0][1].as<std::string>() == "confirmed") ||
                                           rows[0][0].as<std::string>() == "refunded");
    if (!settled) {
      ++report.money_without_lesson;
      report.problems.push_back("paid session " + session + " is " +
                                (rows.empty() ? std::string("unknown") : rows[0][0].as<std::string>() + "/" + rows[0][1].as<std::string>()));
    }
  }
}

void check_database(pqxx::connection& db, campaign_report& report) {
  report.overlapping_bookings = static_cast<int>(scalar(
      db, "SELECT count(*) FROM bookings a JOIN bookings b ON a.tutor_id = b.tutor_id AND a.id < b.id "
          "AND a.blocked && b.blocked WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')"));
  report.unprocessed_events = static_cast<int>(scalar(
      db, "SELECT (SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL AND parked_at IS NULL) + "
          "(SELECT count(*) FROM conversation_events WHERE processed_at IS NULL AND parked_at IS NULL)"));
  report.undrained_outbox = static_cast<int>(scalar(db, "SELECT count(*) FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL"));
  report.parked_without_reason = static_cast<int>(scalar(
      db, "SELECT (SELECT count(*) FROM webhook_inbox WHERE parked_at IS NOT NULL AND coalesce(last_error, '') = '') + "
          "(SELECT count(*) FROM conversation_events WHERE parked_at IS NOT NULL AND coalesce(last_error, '') = '') + "
          "(SELECT count(*) FROM outbox WHERE gave_up_at IS NOT NULL AND coalesce(last_error, '') = '')"));
  report.parked = static_cast<int>(scalar(
      db, "SELECT (SELECT count(*) FROM webhook_inbox WHERE parked_at IS NOT NULL) + "
          "(SELECT count(*) FROM conversation_events WHERE parked_at IS NOT NULL)"));
  report.given_up = static_cast<int>(scalar(db, "SELECT count(*) FROM outbox WHERE gave_up_at IS NOT NULL"));
  if (report.overlapping_bookings) report.problems.push_back(std::to_string(report.overlapping_bookings) + " overlapping bookings");
  if (report.unprocessed_events) report.problems.push_back(std::to_string(report.unprocessed_events) + " events never processed");
  if (report.undrained_outbox) report.problems.push_back(std::to_string(report.undrained_outbox) + " outbox rows never finished");
  if (report.parked_without_reason) report.problems.push_back(std::to_string(report.parked_without_reason) + " set aside without a reason");
  for (const auto& r : pqxx::nontransaction(db).exec(
           "SELECT 'outbox ' || kind || ': ' || coalesce(last_error, '') FROM outbox WHERE gave_up_at IS NOT NULL "
           "UNION ALL SELECT 'event ' || kind || ': ' || coalesce(last_error, '') FROM conversation_events WHERE parked_at IS NOT NULL "
           "UNION ALL SELECT 'webhook ' || event_type || ': ' || coalesce(last_error, '') FROM webhook_inbox WHERE parked_at IS NOT NULL"))
    report.set_aside.push_back(r[0].as<std::string>());
}

// Every student message answered, and no answer said twice: per turn (the bot's messages
// after a student message, up to the next), no message twice; a student message with no bot
// message after it at all is lost, unless staff have the conversation.
// What tutorbot stored for a conversation, for the report on a problem found in its
// transcript: its events in order and the outbox work each step wrote.
std::string stored_history(pqxx::connection& db, std::int64_t conversation) {
  std::string out;
  const auto id = std::to_string(conversation);
  for (const auto& r : pqxx::nontransaction(db).exec(
           "SELECT 'event ' || id || ' ' || dedupe_key || ' attempts=' || attempts || "
           "CASE WHEN processed_at IS NULL THEN ' pending' ELSE ' processed' END FROM conversation_events "
           "WHERE conversation_id = " + id + " ORDER BY id"))
    out += "\n    " + r[0].as<std::string>();
  for (const auto& r : pqxx::nontransaction(db).exec(
           "SELECT 'outbox ' || idempotency_key || ' ' || kind || ' attempts=' || attempts FROM outbox "
           "WHERE ordering_key LIKE 'conversation:" + id + "%' ORDER BY id"))
    out += "\n    " + r[0].as<std::string>();
  return out;
}

void check_transcripts(pqxx::connection& db, chatwoot_sandbox_server& chatwoot,
                       const std::vector<std::int64_t>& conversations, campaign_report& report) {
  for (auto c : conversations) {
    auto t = chatwoot.sandbox().transcript(c);
    if (!t) continue;
    bool handed_off = false;
    std::vector<std::string> turn;
    std::optional<std::string> unanswered;
    for (const auto& l : t->messages) {
      if (l.from == "student") {
        ++report.messages;
        if (!handed_off) unanswered = l.content;
        turn.clear();
        continue;
      }
      if (l.from != "bot") continue;
      unanswered.reset();
      if (l.content.find(handoff_text) != std::string::npos) handed_off = true;
      if (std::find(turn.begin(), turn.end(), l.content) != turn.end()) {
        ++report.duplicates;
        report.problems.push_back("conversation " + std::to_string(c) + ": said twice: " + l.content.substr(0, 80) +
                                  stored_history(db, c));
      }
      turn.push_back(l.content);
    }
    if (unanswered && !handed_off && t->status != "open") {
      ++report.lost;
      std::string deliveries;
      for (const auto& d : chatwoot.sandbox().deliveries())
        if (d.conversation_id == c)
          deliveries += " " + d.event + "/" + d.outcome + (d.status ? "/" + std::to_string(d.status) : "");
      report.problems.push_back("conversation " + std::to_string(c) + " (" + t->status + "): no answer to \"" + *unanswered +
                                "\"; webhooks:" + deliveries);
    }
  }
}

}  // namespace

std::string to_string(fault_kind kind) {
  switch (kind) {
    case fault_kind::kill: return "kill";
    case fault_kind::pause: return "pause";
    case fault_kind::pg_restart: return "pg_restart";
    case fault_kind::chatwoot_slow: return "chatwoot_slow";
    case fault_kind::chatwoot_failing: return "chatwoot_failing";
    case fault_kind::stripe_slow: return "stripe_slow";
    case fault_kind::stripe_failing: return "stripe_failing";
    case fault_kind::google_slow: return "google_slow";
    case fault_kind::google_failing: return "google_failing";
    case fault_kind::chatwoot_drops: return "chatwoot_drops";
    case fault_kind::stripe_drops: return "stripe_drops";
  }
  return "unknown";
}

std::vector<fault_kind> every_fault_kind() {
  return {fault_kind::kill,           fault_kind::chatwoot_failing, fault_kind::stripe_drops,   fault_kind::pause,
          fault_kind::google_failing, fault_kind::pg_restart,       fault_kind::chatwoot_drops, fault_kind::stripe_failing,
          fault_kind::chatwoot_slow,  fault_kind::google_slow,      fault_kind::stripe_slow,    fault_kind::kill};
}

bool campaign_report::clean() const {
  return duplicates == 0 && lost == 0 && money_without_lesson == 0 && overlapping_bookings == 0 && unprocessed_events == 0 &&
         undrained_outbox == 0 && parked_without_reason == 0;
}

std::string campaign_report::summary() const {
  std::ostringstream out;
  out << "faults=" << faults << " kills=" << kills << " pauses=" << pauses << " pg_restarts=" << pg_restarts
      << " provider_faults=" << provider_faults << " dropped_webhooks=" << dropped_webhooks << " journeys=" << journeys
      << " booked=" << booked << " messages=" << messages << " duplicates=" << duplicates << " lost=" << lost
      << " money_without_lesson=" << money_without_lesson << " overlapping_bookings=" << overlapping_bookings
      << " unprocessed=" << unprocessed_events << " undrained=" << undrained_outbox
      << " parked_without_reason=" << parked_without_reason << " set_aside=" << parked + given_up << " seed=" << seed
      << " took=" << took.count() << "s";
  return out.str();
}

campaign_report run_fault_campaign(const campaign_options& options) {
  const auto started = steady::now();
  campaign_report report;
  report.seed = options.seed ? options.seed : std::random_device{}();
  std::mt19937 random(report.seed);
  options.log("seed " + std::to_string(report.seed));

  google_sandbox_server google;
  auto stripe_options = stripe_sandbox_server::test_options();
  stripe_options.webhook_retry = {200ms, 5000ms, 20};  // Stripe retries for days; here for about a minute
  stripe_sandbox_server stripe(stripe_options);
  chatwoot_sandbox_server chatwoot;
  const auto database = fresh_database("campaign");
  const auto config_dir = tuned_config(options.config_dir);

  std::vector<instance> instances(2);
  for (auto& in : instances) in.port = free_port();
  balancer lb({instances[0].port, instances[1].port});
  auto start = [&](std::size_t i) {
    auto& in = instances[i];
    ++in.starts;
    auto env = sandbox_environment();
    env["DATABASE_URL"] = database;
    env["TUTORBOT_LISTEN"] = "127.0.0.1:" + std::to_string(in.port);
    env["STRIPE_API_BASE"] = stripe.base_url();
    env["STRIPE_SECRET_KEY"] = stripe.secret_key();
    env["STRIPE_WEBHOOK_SECRET"] = test_webhook_secret;
    env["GCAL_API_BASE"] = google.base_url();
    env["GCAL_SERVICE_ACCOUNT_JSON"] = google.key_path();
    env["CHATWOOT_BASE_URL"] = chatwoot.base_url();
    env["CHATWOOT_ACCOUNT_ID"] = std::to_string(chatwoot_test_account);
    env["CHATWOOT_API_TOKEN"] = chatwoot_test_bot_token;
    env["CHATWOOT_USER_TOKEN"] = chatwoot_test_user_token;
    env["CHATWOOT_WEBHOOK_TOKEN"] = chatwoot_test_webhook_token;
    env["CHATWOOT_SIGNING_SECRET"] = chatwoot_test_signing_secret;
    in.process = std::make_unique<child_process>(
        std::vector<std::string>{options.binary, "serve", "--config", config_dir}, env,
        "/tmp/tutorbot-campaign-" + std::to_string(in.port) + "-" + std::to_string(in.starts) + ".log");
  };
  for (std::size_t i = 0; i < instances.size(); ++i) start(i);
  for (auto& in : instances)
    if (!ready(in, 90s)) throw std::runtime_error("instance on port " + std::to_string(in.port) + " did not become ready");
  chatwoot.sandbox().set_webhook_endpoint(lb.url() + "/webhooks/chatwoot", chatwoot_test_webhook_token,
                                          chatwoot_test_signing_secret);
  stripe.sandbox().set_webhook_endpoint(lb.url() + "/webhooks/stripe", test_webhook_secret);

  history record;
  std::atomic<bool> stopping{false};
  world w{options, chatwoot, stripe, record, stopping};
  std::vector<std::thread> students;
  for (int s = 0; s < options.students; ++s)
    students.emplace_back([&w, s, seed = report.seed] {
      std::mt19937 own(seed + static_cast<unsigned>(s) + 1);
      for (int n = 0; !w.stopping; ++n) journey(w, s, n, own);
    });

  nemesis storm{options, instances, lb, chatwoot, stripe, google, report, random, start};
  const int planned = options.schedule.empty() ? options.faults : static_cast<int>(options.schedule.size());
  for (int f = 0; f < planned; ++f) {
    const auto gap = std::uniform_int_distribution<long>(options.gap_min.count(), options.gap_max.count())(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(gap));  // the nemesis's own schedule
    storm.apply(options.schedule.empty() ? storm.draw() : options.schedule[static_cast<std::size_t>(f)]);
  }

  options.log("faults done; the students finish");
  stopping = true;
  for (auto& t : students) t.join();
  for (auto& in : instances)
    if (!ready(in, 60s)) report.problems.push_back("an instance is not ready after the campaign");

  pqxx::connection db(database);
  options.log("settling");
  std::vector<std::string> paid;
  {
    std::lock_guard lock(record.mutex);
    paid = record.paid_sessions;
  }
  stripe.sandbox().flush_deliveries();
  // Settled once nothing has been pending for two catch-up intervals and a reconcile: by
  // then nothing lost on the way can still arrive either.
  const auto settle_by = steady::now() + 300s;
  auto quiet_since = steady::time_point::max();  // max: not quiet
  while (steady::now() < settle_by) {
    due_now(db);
    const auto now = steady::now();
    if (scalar(db, pending_sql) > 0)
      quiet_since = steady::time_point::max();
    else if (quiet_since == steady::time_point::max())
      quiet_since = now;
    else if (now - quiet_since >= 12s)
      break;
    std::this_thread::sleep_for(200ms);  // between polls
  }

  check_money(db, paid, report);
  check_database(db, report);
  {
    std::lock_guard lock(record.mutex);
    report.journeys = record.journeys;
    report.booked = record.booked;
    check_transcripts(db, chatwoot, record.conversations, report);
  }
  for (auto& in : instances) {
    in.process->signal(SIGTERM);
    in.process->wait_for_exit(10s);
  }
  std::error_code ignored;
  std::filesystem::remove_all(config_dir, ignored);
  report.took = std::chrono::duration_cast<std::chrono::seconds>(steady::now() - started);
  return report;
}

}  // namespace tutorbot::testing
