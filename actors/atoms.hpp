#pragma once
// Every message atom of the actor system, in one place so names never collide.
#include <caf/atom.hpp>

namespace tutorbot::actors {

using run_atom = caf::atom_constant<caf::atom("run")>;
using connect_atom = caf::atom_constant<caf::atom("connect")>;

}  // namespace tutorbot::actors
