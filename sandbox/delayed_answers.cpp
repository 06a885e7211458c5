#include "sandbox/delayed_answers.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tutorbot::sandbox {

struct delayed_answers::waiting {
  struct pending {
    net::respond_fn respond;
    net::server_response response;
  };
  std::mutex mutex;
  bool released = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, pending> answers;

  // The answer `id`, unless release() sent it already.
  std::optional<pending> take(std::uint64_t id) {
    std::lock_guard lock(mutex);
    auto it = answers.find(id);
    if (it == answers.end()) return std::nullopt;
    auto answer = std::move(it->second);
    answers.erase(it);
    return answer;
  }
};

delayed_answers::delayed_answers(boost::asio::io_context& io) : io_(io), waiting_(std::make_shared<waiting>()) {}

void delayed_answers::answer(std::chrono::milliseconds delay, net::respond_fn respond, net::server_response response) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(waiting_->mutex);
    if (delay.count() > 0 && !waiting_->released) {
      id = ++waiting_->next_id;
      waiting_->answers.emplace(id, waiting::pending{std::move(respond), std::move(response)});
    }
  }
  if (id == 0) return respond(std::move(response));
  // The timer's handler holds the shared state and the id, never the connection itself.
  boost::asio::post(io_, [&io = io_, state = waiting_, id, delay] {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
    timer->async_wait([timer, state, id](const boost::system::error_code&) {
      if (auto due = state->take(id)) due->respond(std::move(due->response));
    });
  });
}

void delayed_answers::release() {
  std::map<std::uint64_t, waiting::pending> due;
  {
    std::lock_guard lock(waiting_->mutex);
    waiting_->released = true;
    due.swap(waiting_->answers);
  }
  for (auto& [id, answer] : due) answer.respond(std::move(answer.response));
}

}  // namespace tutorbot::sandbox
