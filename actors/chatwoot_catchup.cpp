#include "actors/chatwoot_catchup.hpp"

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
  static inline const char* name = "chatwoot_catchup";
};

void catch_up(const catchup_settings& settings, db::connection& conn) {
  auto since = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
               std::chrono::duration_cast<std::chrono::seconds>(settings.active_within);
  for (const auto& active : db::active_conversations(conn, since)) {
    auto listed = wait_for_result<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
        std::chrono::seconds(60), [&](auto done) {
          settings.chatwoot->list_messages(domain::conversation_id{active.id}, active.last_message_id, std::move(done));
        });
    if (!listed) continue;
    if (auto* e = std::get_if<net::chatwoot_error>(&*listed)) {
      obs::log_warn("chatwoot_catchup_failed", {{"conversation_id", static_cast<std::int64_t>(active.id)},
                                                {"error", e->message}});
      continue;
    }
    int found = 0;
    for (const auto& m : std::get<std::vector<net::chatwoot_message>>(*listed)) {
      if (!net::is_student_message(m)) continue;
      if (db::store_conversation_event(conn, active.id, active.account_id, "message:" + std::to_string(m.id), "message",
                                       student_message_payload(m, active.account_id)))
        ++found;
    }
    if (found == 0) continue;
    obs::log_warn("chatwoot_messages_recovered", {{"conversation_id", static_cast<std::int64_t>(active.id)},
                                                  {"count", found}});
    caf::anon_send(settings.conversations, nudge_atom::value, active.id);
  }
}

caf::behavior chatwoot_catchup(caf::stateful_actor<catchup_state>* self, catchup_settings settings) {
  self->state.conn = std::make_unique<db::connection>(settings.database_url);
  self->send(self, tick_atom::value);
  return {
      [=](tick_atom) {
        try {
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
