#include "net/http_server.hpp"

#include <stdexcept>
#include <vector>

#include "net/http_server_impl.hpp"
#include "net/http_session.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using http_detail::session;

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(io),
                        beast::bind_front_handler(&impl::on_accept, shared_from_this()));
}

void http_server::impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    accept_failures.Increment();
    // Out of descriptors (EMFILE, ENFILE, no buffers): accepting again at once fails again at
    // once, spinning a core and flooding the log. Wait a little; warn once a second at most.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning >= std::chrono::seconds(1)) {
      last_accept_warning = now;
      obs::log_warn("http_accept_failed", {{"error", ec.message()}, {"retry_in_ms", 100}});
    }
    accept_pause.expires_after(std::chrono::milliseconds(100));
    accept_pause.async_wait(asio::bind_executor(acceptor.get_executor(), [self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && !self->stopping) self->accept();
    }));
    return;
  }
  beast::error_code ignored;
  auto address = socket.remote_endpoint(ignored).address().to_string();
  auto admitted = session::admission::welcome;
  // At the cap, the connection that has waited longest without sending its first header
  // makes room: connections that send nothing (slowloris from many addresses) cannot hold
  // every slot while a client with a request is turned away.
  if (open.fetch_add(1) >= options.max_connections && !evict_oldest_waiting())
    admitted = session::admission::overloaded;
  connections.Increment();
  {
    std::lock_guard lock(mutex);
    auto& mine = per_address[address];
    ++mine;
    if (admitted == session::admission::welcome && options.max_connections_per_address > 0 &&
        mine > options.max_connections_per_address)
      admitted = session::admission::too_many_from_address;
  }
  auto s = std::make_shared<session>(std::move(socket), shared_from_this(), std::move(address));
  {
    std::lock_guard lock(mutex);
    sessions.insert(s);
  }
  s->start(admitted);
  accept();
}

bool http_server::impl::evict_oldest_waiting() {
  // Held outside the lock: the last reference to a session may drop here, and its destructor
  // takes the lock.
  std::vector<std::shared_ptr<session>> waiting;
  {
    std::lock_guard lock(mutex);
    for (const auto& weak : sessions)
      if (auto s = weak.lock(); s && s->waiting_for_first_header()) waiting.push_back(std::move(s));
  }
  if (waiting.empty()) return false;
  const auto oldest = std::min_element(waiting.begin(), waiting.end(),
                                       [](const auto& a, const auto& b) { return a->accepted_at() < b->accepted_at(); });
  evictions.Increment();
  (*oldest)->evict_if_still_waiting();
  return true;
}

void http_server::impl::release_address(const std::string& address) {
  std::lock_guard lock(mutex);
  auto it = per_address.find(address);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
}

void http_server::impl::session_closed(const std::weak_ptr<session>& s) {
  std::function<void()> done;
  {
    std::lock_guard lock(mutex);
    sessions.erase(s);
    if (stopping && sessions.empty() && on_drained) done = std::exchange(on_drained, nullptr);
  }
  if (done) {
    grace_timer.cancel();
    done();
  }
}

void http_server::impl::finish_shutdown() {
  std::vector<std::shared_ptr<session>> alive;
  std::function<void()> done;
  {
    std::lock_guard lock(mutex);
    for (auto& weak : sessions) {
      if (auto s = weak.lock()) alive.push_back(std::move(s));
    }
    if (alive.empty() && on_drained) done = std::exchange(on_drained, nullptr);
  }
  for (auto& s : alive) s->force_close();
  if (done) done();
}

namespace {

// Beast accepts any token as a method: labelled as sent, "FOO1 /", "FOO2 /", … would each add
// a counter until memory and /metrics gave out. The methods HTTP defines keep their name.
std::string method_label(const std::string& method) {
  static const std::set<std::string> known = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"};
  return known.count(method) ? method : "other";
}

}  // namespace

void http_server::impl::record(const std::string& route, const std::string& method, int status,
                               std::chrono::steady_clock::duration elapsed) {
  requests.Add({{"route", route}, {"method", method_label(method)}, {"status", std::to_string(status)}}).Increment();
  latency.Add({{"route", route}}, obs::metrics::latency_buckets())
      .Observe(std::chrono::duration<double>(elapsed).count());
}

http_server::http_server(asio::io_context& io, server_options options, router routes,
                         obs::metrics& metrics)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(routes), metrics)) {}

// The acceptor belongs to its strand: closing it from here could race an accept running on
// an io thread. The posted close keeps the state alive until it has run (or until the
// io_context is destroyed, which closes the acceptor anyway).
http_server::~http_server() {
  auto state = impl_;
  asio::post(state->acceptor.get_executor(), [state] {
    state->stopping = true;
    beast::error_code ignored;
    state->acceptor.close(ignored);
  });
}

void http_server::start() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) {
    throw std::runtime_error("listen address " + impl_->options.host + " is not an IP address");
  }
  tcp::endpoint endpoint{address, impl_->options.port};
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->bound_port = a.local_endpoint().port();
  impl_->accept();
}

unsigned short http_server::port() const { return impl_->bound_port; }

std::size_t http_server::open_connections() const { return impl_->open.load(); }

void http_server::shutdown(std::function<void()> done) {
  auto state = impl_;
  asio::dispatch(state->acceptor.get_executor(), [state, done = std::move(done)]() mutable {
    state->stopping = true;
    beast::error_code ignored;
    state->acceptor.close(ignored);
    std::vector<std::shared_ptr<session>> alive;
    {
      std::lock_guard lock(state->mutex);
      state->on_drained = std::move(done);
      for (auto& weak : state->sessions) {
        if (auto s = weak.lock()) alive.push_back(std::move(s));
      }
    }
    if (alive.empty()) return state->finish_shutdown();
    for (auto& s : alive) s->close_if_idle();
    state->grace_timer.expires_after(state->options.shutdown_grace);
    state->grace_timer.async_wait([state](beast::error_code ec) {
      if (!ec) state->finish_shutdown();
    });
  });
}

}  // namespace tutorbot::net
