#pragma once
// A sandbox's latency knob: answers that wait on timers of the sandbox's own io_context, so
// no request thread blocks. On release every waiting answer goes out at once and nothing
// waiting holds a connection any more — a timer left in a stopped io_context would keep the
// connection, its server and the sandbox's routes alive in a cycle (LeakSanitizer finds it).
// Whoever stops the sandbox's HTTP server releases first (the sandboxes'
// release_delayed_answers()).
#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "net/http_message.hpp"

namespace tutorbot::sandbox {

class delayed_answers {
 public:
  explicit delayed_answers(boost::asio::io_context& io);
  delayed_answers(const delayed_answers&) = delete;
  delayed_answers& operator=(const delayed_answers&) = delete;

  // After `delay` (at once when it is not positive or after release()).
  void answer(std::chrono::milliseconds delay, net::respond_fn respond, net::server_response response);

  // Answers everything still waiting; later answers go out at once. Call while the HTTP
  // server whose connections the answers hold still runs: answering into a server that is
  // gone, or dropping an answer whose connection outlived its io_context, is a use after free.
  void release();

 private:
  struct waiting;
  boost::asio::io_context& io_;
  std::shared_ptr<waiting> waiting_;
};

}  // namespace tutorbot::sandbox
