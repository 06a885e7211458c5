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
using idle_atom = caf::atom_constant<caf::atom("idle")>;
using busy_atom = caf::atom_constant<caf::atom("busy")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using nudge_atom = caf::atom_constant<caf::atom("nudge")>;
using reschedule_atom = caf::atom_constant<caf::atom("reschedule")>;
using checkout_atom = caf::atom_constant<caf::atom("checkout")>;
using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;

}  // namespace tutorbot::actors
