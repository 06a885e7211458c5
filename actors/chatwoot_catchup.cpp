#include "actors/chatwoot_catchup.hpp"

#include <algorithm>
#include <memory>

#include <boost/json.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/blocking_call.hpp"
#include "actors/conversation_codec.hpp"
#include "db/conversations.hpp"
#include "net/chatwoot_client.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace json = boost::json;

namespace {

struct catchup_state {
  std::unique_ptr<db::connection> conn;
  bool token_reach_reported = false;
  static inline const char* name = "chatwoot_catchup";
};

constexpr auto call_limit = std::chrono::seconds(60);
constexpr int max_conversation_pages = 8;  // 25 each: the bot's conversations active in the window

// Stores the student's messages of a conversation after `after` (all without it) that no
// webhook delivered, and nudges the conversation when there were any.
void recover_messages(const catchup_settings& settings, db::connection& conn, long long conversation, long long account,
                      std::optional<long long> after) {
  auto listed = wait_for_result<net::chatwoot_result<std::vector<net::chatwoot_message>>>(call_limit, [&](auto done) {
    settings.chatwoot->list_messages(domain::conversation_id{conversation}, after, std::move(done));
  });
  if (!listed) return;
  if (auto* e = std::get_if<net::chatwoot_error>(&*listed)) {
    obs::log_warn("chatwoot_catchup_failed", {{"conversation_id", static_cast<std::int64_t>(conversation)},
                                              {"error", e->message}});
    return;
  }
  int found = 0;
  for (const auto& m : std::get<std::vector<net::chatwoot_message>>(*listed)) {
    if (!net::is_student_message(m)) continue;
    if (db::store_conversation_event(conn, conversation, account, "message:" + std::to_string(m.id),
                                     db::conversation_event_kind::message, student_message_payload(m, account)))
      ++found;
  }
  if (found == 0) return;
  obs::log_warn("chatwoot_messages_recovered", {{"conversation_id", static_cast<std::int64_t>(conversation)},
                                                {"count", found}});
  caf::anon_send(settings.conversations, news_atom::value, conversation);
}

// The bot's conversations (pending in Chatwoot) active in the window that tutorbot never
// heard of: a new student whose very first message's webhook was lost.
void discover_new_conversations(const catchup_settings& settings, db::connection& conn, std::chrono::sys_seconds since) {
  for (int page = 1; page <= max_conversation_pages; ++page) {
    auto listed = wait_for_result<net::chatwoot_result<std::vector<net::chatwoot_conversation>>>(
        call_limit, [&](auto done) { settings.chatwoot->list_conversations(net::chatwoot_status::pending, page, std::move(done)); });
    if (!listed) return;
    if (auto* e = std::get_if<net::chatwoot_error>(&*listed)) {
      obs::log_warn("chatwoot_catchup_failed", {{"listing", "pending conversations"}, {"error", e->message}});
      return;
    }
    const auto& conversations = std::get<std::vector<net::chatwoot_conversation>>(*listed);
    std::vector<long long> recent;
    for (const auto& c : conversations)
      if (c.last_activity_at >= since) recent.push_back(c.id.value);
    for (auto id : db::unknown_conversations(conn, recent)) {
      auto it = std::find_if(conversations.begin(), conversations.end(), [id](const auto& c) { return c.id.value == id; });
      recover_messages(settings, conn, id, it->account_id, std::nullopt);
    }
    // Most recent activity first: a page that reaches past the window is the last one needed.
    if (recent.size() < conversations.size() || conversations.empty()) return;
  }
}

// Says once, at start, what the configured token may not do, so that the operator learns it
// before a student's labels or intake are parked: Chatwoot refuses an agent bot's token on
// labels, on listing messages and conversations and on contacts.
void report_token_reach(const catchup_settings& settings) {
  auto listed = wait_for_result<net::chatwoot_result<std::vector<net::chatwoot_conversation>>>(
      call_limit, [&](auto done) { settings.chatwoot->list_conversations(net::chatwoot_status::pending, 1, std::move(done)); });
  if (!listed) return;
  const auto* e = std::get_if<net::chatwoot_error>(&*listed);
  if (!e || e->kind != net::chatwoot_error_kind::unauthorized) return;  // fine, or not known yet
  if (e->message.find("not authorized for bots") == std::string::npos) {
    obs::log_error("chatwoot_token_refused", {{"error", e->message}});
    return;
  }
  obs::log_warn("chatwoot_token_limited",
                {{"refused", "labels, listing messages and conversations, contacts"},
                 {"consequence", "labels and intake attributes are parked for the operator (GET /api/v1/ops/parked); "
                                 "messages whose webhook was lost are not caught up; a message whose answer was lost "
                                 "may reach the student twice"},
                 {"remedy", "set CHATWOOT_USER_TOKEN to an agent's access token"}});
}

void catch_up(const catchup_settings& settings, db::connection& conn) {
  auto since = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
               std::chrono::duration_cast<std::chrono::seconds>(settings.active_within);
  for (const auto& active : db::active_conversations(conn, since))
    recover_messages(settings, conn, active.id, active.account_id, active.last_message_id);
  discover_new_conversations(settings, conn, since);
}

caf::behavior chatwoot_catchup(caf::stateful_actor<catchup_state>* self, catchup_settings settings) {
  self->state.conn = std::make_unique<db::connection>(settings.database_url);
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        try {
          if (!self->state.token_reach_reported) {
            self->state.token_reach_reported = true;
            report_token_reach(settings);
          }
          catch_up(settings, *self->state.conn);
        } catch (const std::exception& e) {
          obs::log_warn("chatwoot_catchup_failed", {{"error", e.what()}});
        }
        self->delayed_send(self, settings.interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_chatwoot_catchup(caf::actor_system& system, catchup_settings settings) {
  return system.spawn<caf::detached>(chatwoot_catchup, std::move(settings));
}

}  // namespace tutorbot::actors
