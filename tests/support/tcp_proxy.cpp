#include "tests/support/tcp_proxy.hpp"

#include <array>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio.hpp>

namespace tutorbot::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// One client's connection and its link to the target. Once frozen, nothing is read or
// written any more; the sockets stay open until the proxy ends.
struct link : std::enable_shared_from_this<link> {
  explicit link(tcp::socket c) : client(std::move(c)), target(client.get_executor()) {}

  void start(unsigned short target_port) {
    target.async_connect({asio::ip::make_address("127.0.0.1"), target_port}, [self = shared_from_this()](auto ec) {
      if (ec) return self->close();
      pump(self, self->client, self->target, self->upstream);
      pump(self, self->target, self->client, self->downstream);
    });
  }

  static void pump(std::shared_ptr<link> self, tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
    from.async_read_some(asio::buffer(buffer), [self, &from, &to, &buffer](auto ec, std::size_t n) {
      if (self->frozen) return;
      if (ec) return self->close();
      asio::async_write(to, asio::buffer(buffer.data(), n), [self, &from, &to, &buffer](auto ec, std::size_t) {
        if (self->frozen) return;
        if (ec) return self->close();
        pump(self, from, to, buffer);
      });
    });
  }

  void close() {
    boost::system::error_code ignored;
    client.close(ignored);
    target.close(ignored);
  }

  tcp::socket client, target;
  std::array<char, 16384> upstream{}, downstream{};
  std::atomic<bool> frozen{false};
};

}  // namespace

struct tcp_proxy::impl : std::enable_shared_from_this<impl> {
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  unsigned short target_port = 0;
  bool holing = false;                       // on the io thread only
  std::vector<std::shared_ptr<link>> links;  // every connection, so none closes before the proxy ends
  std::thread thread;

  void accept() {
    acceptor.async_accept([self = shared_from_this()](auto ec, tcp::socket socket) {
      if (ec) return;
      auto l = std::make_shared<link>(std::move(socket));
      self->links.push_back(l);
      if (self->holing)
        l->frozen = true;  // accepted, never answered
      else
        l->start(self->target_port);
      self->accept();
    });
  }
};

tcp_proxy::tcp_proxy(unsigned short target_port) : impl_(std::make_shared<impl>()) {
  impl_->target_port = target_port;
  impl_->accept();
  impl_->thread = std::thread([state = impl_] { state->io.run(); });
}

tcp_proxy::~tcp_proxy() {
  // Closing every socket completes every pending operation, so io.run() returns by itself and
  // no handler is left holding a link or the proxy (io.stop() would leave them in a cycle).
  asio::post(impl_->io, [state = impl_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    for (auto& l : state->links) l->close();
  });
  impl_->thread.join();
}

unsigned short tcp_proxy::port() const { return impl_->acceptor.local_endpoint().port(); }

void tcp_proxy::black_hole() {
  std::promise<void> done;
  asio::post(impl_->io, [state = impl_, &done] {
    state->holing = true;
    for (auto& l : state->links) l->frozen = true;
    done.set_value();
  });
  done.get_future().wait();
}

void tcp_proxy::heal() {
  std::promise<void> done;
  asio::post(impl_->io, [state = impl_, &done] {
    state->holing = false;
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace tutorbot::testing
