#include "tests/support/scripted_server.hpp"

#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tutorbot::testing {

struct scripted_server::recorded {
  explicit recorded(script_fn s) : script(std::move(s)) {}
  script_fn script;
  std::mutex mutex;
  std::vector<net::server_request> requests;
};

scripted_server::scripted_server(const std::vector<route>& routes, script_fn script)
    : recorded_(std::make_shared<recorded>(std::move(script))),
      server_([&routes, r = recorded_](boost::asio::io_context& io) {
        net::router router;
        for (const auto& [method, pattern] : routes)
          router.add(method, pattern, [r, &io](net::server_request&& request, net::respond_fn respond) {
            int n;
            {
              std::lock_guard lock(r->mutex);
              n = static_cast<int>(r->requests.size());
              r->requests.push_back(request);
            }
            auto a = r->script(request, n);
            if (a.delay <= std::chrono::milliseconds{0}) return respond(std::move(a.response));
            auto timer = std::make_shared<boost::asio::steady_timer>(io, a.delay);
            timer->async_wait([timer, respond, response = std::move(a.response)](boost::system::error_code ec) mutable {
              if (!ec) respond(std::move(response));
            });
          });
        return router;
      }) {}

std::string scripted_server::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

std::vector<net::server_request> scripted_server::requests() const {
  std::lock_guard lock(recorded_->mutex);
  return recorded_->requests;
}

}  // namespace tutorbot::testing
