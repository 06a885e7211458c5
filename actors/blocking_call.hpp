#pragma once
// For detached actors only (outbox handlers, the payment supervisor): waits for an
// asynchronous provider call whose callback runs on an Asio thread. Never use it on CAF's
// scheduler threads.
#include <chrono>
#include <future>
#include <memory>
#include <optional>

namespace tutorbot::actors {

// Calls call(done) and waits up to `timeout` for done(result); nullopt when it did not come.
template <class Result, class Call>
std::optional<Result> wait_for_result(std::chrono::milliseconds timeout, Call&& call) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  call([promise](Result result) { promise->set_value(std::move(result)); });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

}  // namespace tutorbot::actors
