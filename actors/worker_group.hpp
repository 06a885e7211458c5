#pragma once
// A front actor with detached, monitored workers that block (PostgreSQL, provider calls).
// Told to exit, it raises the shared stop flag (workers check it between items), passes the
// exit on, and ends only when the last worker has: whoever waits for the front actor knows
// no worker is still running.
#include <atomic>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>

namespace tutorbot::actors {

struct worker_group {
  std::vector<caf::actor> workers;
  std::size_t stopped = 0;
  std::shared_ptr<std::atomic<bool>> stopping = std::make_shared<std::atomic<bool>>(false);
};

template <class Self, class State>
void stop_with_workers(Self* self, worker_group State::*group) {
  self->set_exit_handler([self, group](caf::exit_msg& msg) {
    auto& g = self->state.*group;
    *g.stopping = true;
    for (auto& worker : g.workers) self->send_exit(worker, msg.reason);
  });
  self->set_down_handler([self, group](caf::down_msg&) {
    auto& g = self->state.*group;
    if (++g.stopped == g.workers.size()) self->quit(caf::exit_reason::user_shutdown);
  });
}

}  // namespace tutorbot::actors
