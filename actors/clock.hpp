#pragma once
// The wall clock to the second, as the repositories and the domain take instants. Only the
// shell reads the clock; domain/ is given it.
#include <chrono>

namespace tutorbot::actors {

inline std::chrono::sys_seconds now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace tutorbot::actors
