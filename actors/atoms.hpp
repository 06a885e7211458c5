#pragma once
// Every message atom of the actor system, in one place so names never collide.
#include <caf/atom.hpp>

namespace tutorbot::actors {

using run_atom = caf::atom_constant<caf::atom("run")>;
using connect_atom = caf::atom_constant<caf::atom("connect")>;
using slots_atom = caf::atom_constant<caf::atom("slots")>;
using hold_atom = caf::atom_constant<caf::atom("hold")>;
using confirm_atom = caf::atom_constant<caf::atom("confirm")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using changed_atom = caf::atom_constant<caf::atom("changed")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using listen_atom = caf::atom_constant<caf::atom("listen")>;
// A conversation actor's idle timer: stop when nothing happened since it was set.
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
// A tutor calendar's busy_wait has passed: holds still waiting for a busy read are released.
using awaiting_due_atom = caf::atom_constant<caf::atom("awaitdue")>;
// A database worker is free for the next job (worker → pool).
using worker_idle_atom = caf::atom_constant<caf::atom("workeridle")>;
using busy_atom = caf::atom_constant<caf::atom("busy")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
// "Look for the work you have" (outbox, payment supervisor, a conversation actor).
using nudge_atom = caf::atom_constant<caf::atom("nudge")>;
// (news_atom, conversation id): that conversation has new events (to the registry).
using news_atom = caf::atom_constant<caf::atom("news")>;
// A weekly or bi-weekly series: hold all its lessons, confirm them, or cancel the rest of it.
using series_atom = caf::atom_constant<caf::atom("series")>;
using series_confirm_atom = caf::atom_constant<caf::atom("seriescon")>;
using series_cancel_atom = caf::atom_constant<caf::atom("seriescan")>;
using reschedule_atom = caf::atom_constant<caf::atom("reschedule")>;
using checkout_atom = caf::atom_constant<caf::atom("checkout")>;
using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;

}  // namespace tutorbot::actors
