#pragma once
// tutorbot serving with Chatwoot, Stripe and Google Calendar switched on against in-process
// sandboxes, on a fresh database: the student writes on (sandbox) WhatsApp, Chatwoot's
// webhooks reach tutorbot, tutorbot's answers land in the sandbox's transcript. What the
// conversation journey tests start from.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/payment_service.hpp"
#include "tests/support/chatwoot/chatwoot_api.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"

namespace tutorbot::testing {

struct chat_service {
  using line = sandbox::chatwoot::transcript_line;

  explicit chat_service(const std::string& purpose, const std::function<void(config::config&)>& adjust = {})
      : chatwoot(chatwoot_sandbox_server::test_options()),
        payments(purpose, [this, &adjust](config::config& cfg) {
          auto& c = cfg.service.providers.chatwoot;
          c.enabled = true;
          c.base_url = chatwoot.base_url();
          c.account_id = static_cast<int>(chatwoot_test_account);
          c.api_token = config::secret(chatwoot_test_bot_token);
          c.user_token = config::secret(chatwoot_test_user_token);
          c.webhook_token = config::secret(chatwoot_test_webhook_token);
          c.signing_secret = config::secret(chatwoot_test_signing_secret);
          if (adjust) adjust(cfg);
          // Everything the service was started with (Google, Stripe and this): a restart
          // starts the same service again.
          started_with = cfg;
        }) {
    point_sandboxes_at_service();
  }

  // Stops tutorbot (gracefully, as a deploy does) and starts a new one with the same
  // configuration on the same database and sandboxes; the sandboxes deliver to it.
  void restart() {
    BOOST_REQUIRE(started_with);
    payments.service.svc->stop();
    payments.service.svc.reset();
    payments.service.svc = std::make_unique<app::service>(*started_with);
    payments.service.svc->start();
    point_sandboxes_at_service();
  }

  // ---- the student's side

  // A student writes for the first time. `attributes` are the contact's custom attributes
  // as an earlier intake would have left them in Chatwoot (student_name, writer, level,
  // subject, goals): the intake is then one confirmation.
  std::int64_t open(const std::string& phone, const std::string& name, const std::string& email,
                    const boost::json::object& attributes = {}) {
    auto opened = chatwoot.sandbox().open_conversation(phone, name, email);
    if (!attributes.empty()) {
      auto r = agent.put("/contacts/" + std::to_string(opened.contact_id),
                         boost::json::object{{"custom_attributes", attributes}});
      BOOST_REQUIRE_MESSAGE(r.status == 200, r.text);
    }
    return opened.conversation_id;
  }

  // What a student who did the intake before has on their contact.
  static boost::json::object known_student() {
    return {{"writer", "student"}, {"level", "havo 4"}, {"subject", "Wiskunde B"}, {"goals", "Een voldoende"}};
  }

  sandbox::chatwoot::transcript transcript(std::int64_t conversation) {
    auto t = chatwoot.sandbox().transcript(conversation);
    BOOST_REQUIRE(t);
    return *t;
  }

  std::vector<line> bot_lines(std::int64_t conversation) {
    std::vector<line> out;
    for (const auto& l : transcript(conversation).messages)
      if (l.from == "bot") out.push_back(l);
    return out;
  }

  // The conversation's labels once its side calls due so far have gone out: they travel in
  // their own lane beside the messages (db::outbox_lane), so a message can arrive first.
  bool has_label(std::int64_t conversation, const std::string& label) {
    side_calls_sent(conversation);
    auto t = transcript(conversation);
    return std::find(t.labels.begin(), t.labels.end(), label) != t.labels.end();
  }

  void side_calls_sent(std::int64_t conversation) {
    const auto lane = "conversation:" + std::to_string(conversation) + ":side";
    payments.wait_until(
        [&] {
          return payments.scalar("SELECT count(*) FROM outbox WHERE ordering_key = '" + lane +
                                 "' AND done_at IS NULL AND gave_up_at IS NULL AND due_at <= now()") == 0;
        },
        "the conversation's side calls have gone out");
  }

  // Waits until a bot message after the first `after` contains `expect`; answers the bot's
  // messages after `after` up to then. Fails the test (with what did arrive) at the deadline.
  // A matching message that WhatsApp refused (the transcript's undelivered ones) is an error
  // too — the student never saw it — but the journey goes on with it, so that what follows
  // is still checked.
  std::vector<line> wait_for_bot(std::int64_t conversation, std::size_t after, const std::string& expect,
                                 std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::vector<line> replies;
    std::optional<line> refused;
    auto arrived = eventually(
        [&] {
          auto t = transcript(conversation);
          replies.clear();
          std::size_t seen = 0;
          for (const auto& l : t.messages)
            if (l.from == "bot" && seen++ >= after) replies.push_back(l);
          for (const auto& r : replies)
            if (r.content.find(expect) != std::string::npos) return true;
          for (const auto& u : t.undelivered)
            if (u.content.find(expect) != std::string::npos &&
                std::find(reported_.begin(), reported_.end(), u.id) == reported_.end()) {
              refused = u;
              return true;
            }
          return false;
        },
        limit);
    if (!arrived) {
      std::vector<line> undelivered;
      if (auto t = chatwoot.sandbox().transcript(conversation)) undelivered = t->undelivered;
      BOOST_FAIL("conversation " << conversation << ": no bot message containing \"" << expect
                                 << "\"; arrived:" << shown(replies) << "\nundelivered:" << shown(undelivered));
    }
    if (refused) {
      reported_.push_back(refused->id);
      BOOST_ERROR("conversation " << conversation << ": the student never saw the bot's message containing \""
                                  << expect << "\": WhatsApp refused it (" << refused->error << "):"
                                  << shown({*refused}));
      replies.push_back(*refused);
    }
    return replies;
  }

  // The student writes; answers the bot's replies to it, once one contains `expect`.
  std::vector<line> say(std::int64_t conversation, const std::string& text, const std::string& expect) {
    auto before = bot_lines(conversation).size();
    BOOST_REQUIRE(chatwoot.sandbox().student_writes(conversation, text));
    return wait_for_bot(conversation, before, expect);
  }

  // Waits until tutorbot has nothing left to do: every stored conversation event processed
  // and every piece of outbox work finished. After that, what the student sees is final
  // (until the world sends something new).
  void settle(std::chrono::seconds limit = std::chrono::seconds(20)) {
    payments.wait_until(
        [&] {
          return payments.scalar("SELECT (SELECT count(*) FROM conversation_events WHERE processed_at IS NULL AND parked_at IS NULL) + "
                                  "(SELECT count(*) FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL AND due_at <= now())") == 0;
        },
        "tutorbot has processed every event and finished its outbox", limit);
  }

  // The Checkout Session id in the payment link among `replies`.
  static std::string session_in(const std::vector<line>& replies) {
    std::string url;
    for (const auto& l : replies)
      if (auto at = l.content.find("http"); at != std::string::npos)
        url = l.content.substr(at, l.content.find_first_of(" \n", at) - at);
    BOOST_REQUIRE_MESSAGE(!url.empty(), "no payment link in the replies:" << shown(replies));
    return url.substr(url.rfind('/') + 1);
  }

  static std::string shown(const std::vector<line>& lines) {
    std::string out;
    for (const auto& l : lines) {
      out += "\n  " + l.from + ": " + l.content;
      if (!l.error.empty()) out += "\n    (refused: " + l.error + ")";
      for (const auto& o : l.options) out += "\n    [" + o + "]";
    }
    return out;
  }

  // ---- the world's side

  long scalar(const std::string& sql) const { return payments.scalar(sql); }

  std::string text(const std::string& sql) const {
    pqxx::connection c(payments.service.url);
    return pqxx::nontransaction(c).exec1(sql)[0].as<std::string>();
  }

  void exec(const std::string& sql) const {
    pqxx::connection c(payments.service.url);
    pqxx::nontransaction(c).exec(sql);
  }

  // The Google calendar a tutor's lessons go to.
  std::string calendar_of(const std::string& tutor) const {
    const auto* rules = started_with->calendar.find_tutor(tutor);
    BOOST_REQUIRE_MESSAGE(rules, "no tutor " << tutor);
    return rules->calendar_id.empty() ? started_with->service.providers.google.default_calendar_id : rules->calendar_id;
  }

  // The (not cancelled) Google events in a tutor's calendar.
  std::vector<boost::json::object> google_events(const std::string& tutor) {
    const auto calendar = calendar_of(tutor);
    std::vector<boost::json::object> out;
    auto& google = payments.service.google.sandbox();
    for (const auto& id : google.event_ids(calendar))
      if (auto event = google.event_json(calendar, id)) out.push_back(boost::json::parse(*event).as_object());
    return out;
  }

  // The Google events that carry this booking id, in its tutor's calendar.
  std::vector<boost::json::object> events_of_booking(const std::string& booking) {
    std::vector<boost::json::object> out;
    for (auto& event : google_events(text("SELECT tutor_id FROM bookings WHERE id = '" + booking + "'"))) {
      const auto* props = event.if_contains("extendedProperties");
      const auto* priv = props && props->is_object() ? props->as_object().if_contains("private") : nullptr;
      const auto* id = priv && priv->is_object() ? priv->as_object().if_contains("booking_id") : nullptr;
      if (id && id->is_string() && id->as_string() == booking) out.push_back(std::move(event));
    }
    return out;
  }

  // Google events in all the tutors' calendars.
  long google_event_count() {
    std::vector<std::string> calendars;
    for (const auto& tutor : started_with->calendar.tutors) {
      auto calendar = calendar_of(tutor.id);
      if (!calendar.empty() && std::find(calendars.begin(), calendars.end(), calendar) == calendars.end())
        calendars.push_back(calendar);
    }
    long n = 0;
    for (const auto& calendar : calendars)
      n += static_cast<long>(payments.service.google.sandbox().event_ids(calendar).size());
    return n;
  }

  chatwoot_sandbox_server chatwoot;
  std::optional<config::config> started_with;  // set while `payments` starts the service
  payment_service payments;
  chatwoot_api agent{chatwoot.port(), chatwoot_test_account, chatwoot_test_user_token};

 private:
  std::vector<std::int64_t> reported_;  // undelivered messages already reported

  void point_sandboxes_at_service() {
    const auto base = "http://127.0.0.1:" + std::to_string(payments.port());
    chatwoot.sandbox().set_webhook_endpoint(base + "/webhooks/chatwoot", chatwoot_test_webhook_token,
                                            chatwoot_test_signing_secret);
    payments.stripe.sandbox().set_webhook_endpoint(base + "/webhooks/stripe", test_webhook_secret);
  }
};

}  // namespace tutorbot::testing
