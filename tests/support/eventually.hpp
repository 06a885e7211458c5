#pragma once
// Waiting for something another thread or process does: poll with a deadline, never sleep
// a guessed time.
#include <chrono>
#include <thread>

namespace tutorbot::testing {

// Polls `p` until it holds or the deadline passes; true when it held.
template <class Predicate>
bool eventually(Predicate p, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!p()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace tutorbot::testing
