#include "tests/integration/db/payment_replay/scenarios.hpp"

#include <boost/json.hpp>

namespace tutorbot::testing::replay {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

const char* name_of(kind k) {
  switch (k) {
    case kind::paid: return "paid";
    case kind::refunded: return "refunded";
    case kind::refund_pending_then_succeeded: return "refund_pending_then_succeeded";
    case kind::refunded_in_two_parts: return "refunded_in_two_parts";
    case kind::partially_refunded: return "partially_refunded";
    case kind::failed_then_paid: return "failed_then_paid";
    case kind::expired: return "expired";
    case kind::expired_after_failure: return "expired_after_failure";
    case kind::async_paid: return "async_paid";
    case kind::async_failed: return "async_failed";
    case kind::late_slot_free: return "late_slot_free";
    case kind::late_slot_taken: return "late_slot_taken";
    case kind::late_slot_taken_refunded: return "late_slot_taken_refunded";
    case kind::untouched: return "untouched";
    case kind::package_paid: return "package_paid";
  }
  return "?";
}

namespace {

// How often each kind is drawn, in the order of the enum.
const std::vector<double> kind_weights = {12, 8, 5, 5, 6, 8, 8, 4, 6, 5, 7, 6, 5, 3, 5};

// Builds the Stripe-shaped events of one scenario, in the order Stripe sends them.
class event_builder {
 public:
  event_builder(scenario& s, std::mt19937_64& rng, long long created) : s_(s), rng_(rng), created_(created) {}

  void add(const std::string& type, json::object object) {
    json::object e{{"id", "evt_" + s_.n() + "_" + std::to_string(s_.events.size())},
                   {"object", "event"},
                   {"api_version", "2024-06-20"},
                   {"created", created_ + static_cast<long long>(s_.events.size()) * 30},
                   {"livemode", false},
                   {"pending_webhooks", 1},
                   {"request", json::object{{"id", nullptr}, {"idempotency_key", nullptr}}},
                   {"type", type},
                   {"data", json::object{{"object", std::move(object)}}}};
    s_.events.push_back({std::string(e["id"].as_string()), type, json::serialize(e)});
  }

  // Something Stripe sends that changes nothing here, now and then.
  void maybe(const std::string& type, json::object object) {
    if (std::bernoulli_distribution(0.5)(rng_)) add(type, std::move(object));
  }

  json::object session(const char* status, const char* payment_status, bool with_intent) const {
    json::object o{{"id", s_.session()},
                   {"object", "checkout.session"},
                   {"amount_subtotal", s_.amount},
                   {"amount_total", s_.amount},
                   {"currency", "eur"},
                   {"mode", "payment"},
                   {"status", status},
                   {"payment_status", payment_status},
                   {"url", nullptr},
                   {"created", created_ - 600},
                   {"expires_at", created_ + 1200},
                   {"customer_details", json::object{{"email", "student" + s_.n() + "@example.org"}}},
                   {"customer_email", nullptr}};
    o["payment_intent"] = with_intent ? json::value(s_.intent()) : json::value(nullptr);
    o["client_reference_id"] = s_.reference_style <= 1 ? json::value(order_placeholder) : json::value(nullptr);
    json::object metadata;
    if (s_.reference_style == 0) metadata["order_id"] = order_placeholder;
    o["metadata"] = std::move(metadata);
    return o;
  }

  json::object intent(const char* status, bool failed) const {
    json::object o{{"id", s_.intent()},
                   {"object", "payment_intent"},
                   {"amount", s_.amount},
                   {"currency", "eur"},
                   {"status", status},
                   {"metadata", json::object{{"order_id", order_placeholder}}}};
    if (failed)
      o["last_payment_error"] = json::object{{"type", "card_error"}, {"code", "card_declined"}, {"message", "Your card was declined."}};
    else
      o["last_payment_error"] = nullptr;
    return o;
  }

  json::object charge(long long refunded, const char* status = "succeeded") const {
    return json::object{{"id", "ch_" + s_.n()},
                        {"object", "charge"},
                        {"amount", s_.amount},
                        {"amount_refunded", refunded},
                        {"refunded", refunded >= s_.amount},
                        {"paid", std::string(status) == "succeeded"},
                        {"status", status},
                        {"currency", "eur"},
                        {"payment_intent", s_.intent()},
                        {"metadata", json::object{}}};
  }

  json::object refund(int k, long long amount, const char* status) const {
    return json::object{{"id", "re_" + s_.n() + "_" + std::to_string(k)},
                        {"object", "refund"},
                        {"amount", amount},
                        {"currency", "eur"},
                        {"charge", "ch_" + s_.n()},
                        {"payment_intent", s_.intent()},
                        {"reason", "requested_by_customer"},
                        {"status", status},
                        {"metadata", json::object{}}};
  }

  // A card payment as Stripe reports it: the intent, its charge, then the session.
  void card_payment() {
    maybe("payment_intent.created", intent("requires_payment_method", false));
    maybe("charge.succeeded", charge(0));
    maybe("payment_intent.succeeded", intent("succeeded", false));
    add("checkout.session.completed", session("complete", "paid", true));
  }

  void failed_attempt() {
    maybe("payment_intent.created", intent("requires_payment_method", false));
    maybe("charge.failed", charge(0, "failed"));
    add("payment_intent.payment_failed", intent("requires_payment_method", true));
  }

 private:
  scenario& s_;
  std::mt19937_64& rng_;
  long long created_;
};

}  // namespace

std::vector<scenario> plan_scenarios(std::mt19937_64& rng, sys_seconds first_day, long long created) {
  std::discrete_distribution<int> pick_kind(kind_weights.begin(), kind_weights.end());
  std::discrete_distribution<int> pick_style({6, 2, 2});
  std::vector<scenario> plan(scenario_count);
  for (int i = 0; i < scenario_count; ++i) {
    scenario& s = plan[i];
    s.index = i;
    s.k = static_cast<kind>(pick_kind(rng));
    // One scenario per tutor and day: only a slot-taken scenario's competitor collides.
    s.tutor = i % 2 == 0 ? "anouk" : "daan";
    s.start = first_day + std::chrono::days{i / 2} + 10h;
    s.competitor_confirmed = std::bernoulli_distribution(0.5)(rng);
    s.reference_style = s.k == kind::package_paid ? 0 : pick_style(rng);
    s.conversation = std::bernoulli_distribution(0.5)(rng);
    s.amount = s.k == kind::package_paid ? package_cents : lesson_cents;

    event_builder b(s, rng, created + i * 600);
    b.maybe("customer.created", json::object{{"id", "cus_" + s.n()}, {"object", "customer"},
                                             {"email", "student" + s.n() + "@example.org"}});
    switch (s.k) {
      case kind::paid:
      case kind::late_slot_free:
      case kind::late_slot_taken:
      case kind::package_paid:
        b.card_payment();
        break;
      case kind::refunded:
      case kind::late_slot_taken_refunded:
        b.card_payment();
        b.add("refund.created", b.refund(0, s.amount, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        b.maybe("charge.refund.updated", b.refund(0, s.amount, "succeeded"));
        break;
      case kind::refund_pending_then_succeeded:
        b.card_payment();
        b.add("refund.created", b.refund(0, s.amount, "pending"));
        b.add("refund.updated", b.refund(0, s.amount, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        break;
      case kind::refunded_in_two_parts:
        b.card_payment();
        b.add("refund.created", b.refund(0, 1500, "succeeded"));
        b.add("charge.refunded", b.charge(1500));
        b.add("refund.created", b.refund(1, s.amount - 1500, "succeeded"));
        b.add("charge.refunded", b.charge(s.amount));
        break;
      case kind::partially_refunded:
        b.card_payment();
        b.add("refund.created", b.refund(0, 1500, "succeeded"));
        b.add("charge.refunded", b.charge(1500));
        break;
      case kind::failed_then_paid:
        b.failed_attempt();
        b.card_payment();  // a new attempt on the same payment intent, as Checkout does
        break;
      case kind::expired:
        b.add("checkout.session.expired", b.session("expired", "unpaid", false));
        break;
      case kind::expired_after_failure:
        b.failed_attempt();
        b.add("checkout.session.expired", b.session("expired", "unpaid", true));
        break;
      case kind::async_paid:
        b.add("checkout.session.completed", b.session("complete", "unpaid", true));
        b.maybe("payment_intent.processing", b.intent("processing", false));
        b.add("checkout.session.async_payment_succeeded", b.session("complete", "paid", true));
        b.maybe("payment_intent.succeeded", b.intent("succeeded", false));
        break;
      case kind::async_failed:
        b.add("checkout.session.completed", b.session("complete", "unpaid", true));
        b.add("payment_intent.payment_failed", b.intent("requires_payment_method", true));
        b.add("checkout.session.async_payment_failed", b.session("complete", "unpaid", true));
        break;
      case kind::untouched:
        b.add("payment_intent.created", b.intent("requires_payment_method", false));
        b.add("balance.available", json::object{{"object", "balance"}, {"livemode", false}});
        break;
    }
  }
  return plan;
}

std::string with_order(std::string text, const std::string& order_id) {
  const std::string placeholder = order_placeholder;
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + order_id.size()))
    text.replace(at, placeholder.size(), order_id);
  return text;
}

}  // namespace tutorbot::testing::replay
