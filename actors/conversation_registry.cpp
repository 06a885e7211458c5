#include <map>

#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/conversation.hpp"
#include "actors/db_pool.hpp"
#include "db/conversations.hpp"

namespace tutorbot::actors {

namespace {

constexpr auto ask_timeout = std::chrono::seconds(15);

struct registry_state {
  conversation_settings settings;
  std::map<long long, caf::actor> conversations;
  static inline const char* name = "conversation_registry";
};

caf::behavior conversation_registry(caf::stateful_actor<registry_state>* self, conversation_settings settings) {
  self->state.settings = std::move(settings);
  // Linked: conversations stop with the registry (the service stopping); one that stops by
  // itself (passivated, or failed) is forgotten and respawned by its next event.
  self->set_exit_handler([self](caf::exit_msg& exit) {
    auto& all = self->state.conversations;
    for (auto it = all.begin(); it != all.end(); ++it)
      if (it->second.address() == exit.source) {
        all.erase(it);
        return;
      }
    self->quit(exit.reason);
  });
  auto deliver = [self](long long id) {
    auto& all = self->state.conversations;
    auto it = all.find(id);
    if (it == all.end()) it = all.emplace(id, spawn_linked_conversation(self, id, self->state.settings)).first;
    self->send(it->second, nudge_atom::value);
  };
  self->send(self, tick_atom::value);
  return {
      [=](news_atom, long long id) { deliver(id); },
      // Events stored by another instance, or left over from before a restart.
      [=](tick_atom) {
        auto job = make_db_job([](db::connection& conn) { return db::conversations_with_pending_events(conn, 100); });
        self->request(self->state.settings.db_pool, caf::duration{ask_timeout}, run_atom::value, job)
            .then([deliver](std::vector<long long>& ids) { for (auto id : ids) deliver(id); }, [](caf::error&) {});
        self->delayed_send(self, self->state.settings.sweep_interval, tick_atom::value);
      },
  };
}

}  // namespace

caf::actor spawn_conversation_registry(caf::actor_system& system, conversation_settings settings) {
  return system.spawn(conversation_registry, std::move(settings));
}

}  // namespace tutorbot::actors
