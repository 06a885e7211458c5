#pragma once
// A provider's stand-in that answers from a script, for the tests that pin a client's own
// decisions (which answers it retries, what each request carries): the n-th request
// (0-based) to any of its routes gets script(request, n), at once or after a delay.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/router.hpp"
#include "tests/support/loopback_server.hpp"

namespace tutorbot::testing {

struct scripted_answer {
  net::server_response response;
  std::chrono::milliseconds delay{0};  // answer this much later (a slow provider)
};

class scripted_server {
 public:
  using script_fn = std::function<scripted_answer(const net::server_request&, int)>;
  using route = std::pair<std::string, std::string>;  // method, pattern

  scripted_server(const std::vector<route>& routes, script_fn script);

  std::string base_url() const;
  std::vector<net::server_request> requests() const;

 private:
  struct recorded;
  // Made before the server, whose handlers use them, and gone after it.
  std::shared_ptr<recorded> recorded_;
  loopback_server server_;
};

}  // namespace tutorbot::testing
