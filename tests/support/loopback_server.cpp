#include "tests/support/loopback_server.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::testing {

struct loopback_server::impl {
  impl() : work(io.get_executor()) {}
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
};

loopback_server::loopback_server(net::router routes, unsigned short port)
    : loopback_server([&routes](boost::asio::io_context&) { return std::move(routes); }, port) {}

loopback_server::loopback_server(const routes_on& make_routes, unsigned short port) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  net::server_options options;
  options.port = port;
  options.shutdown_grace = std::chrono::seconds(1);
  s.server = std::make_unique<net::http_server>(s.io, options, make_routes(s.io), s.metrics);
  s.server->start();
  s.thread = std::thread([&io = s.io] { io.run(); });
}

loopback_server::~loopback_server() {
  auto& s = *impl_;
  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  s.server->shutdown([drained] { drained->set_value(); });
  done.wait_for(std::chrono::seconds(5));
  s.work.reset();
  s.io.stop();
  s.thread.join();
  s.server.reset();
}

unsigned short loopback_server::port() const { return impl_->server->port(); }

}  // namespace tutorbot::testing
