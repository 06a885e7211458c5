// hostile_load: the attacks of issue 13 against one tutorbot on loopback, for a bounded time,
// while bench/adversarial_load.sh measures what a legitimate client still gets.
//
//   --slowloris N         connections that send a request header one line a second, never ending it
//   --unknown-methods N   keep-alive connections sending FOO1 /x, FOO2 /x, ... as fast as answered
//   --readyz N            keep-alive connections sending GET /readyz as fast as answered
//   --chunk-extensions N  connections streaming a chunked body whose first chunk extension never ends
//   --from A,B,...        loopback source addresses; the attackers are spread over them in turn
//
// An attacker that the server closes (or refuses) connects again 100 ms later, until --duration
// is over. One io_context on one thread. Prints one line: per attack, the connections made,
// the statuses received and how often the server closed the connection.
//
//   hostile_load --target 127.0.0.1:8080 --duration 30 --slowloris 500 --unknown-methods 4
//                --readyz 4 --chunk-extensions 4 --from 127.0.1.1,127.0.1.2

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace tutorbot::bench {
namespace {

enum class attack { slowloris, unknown_methods, readyz, chunk_extensions };
constexpr std::array all_attacks{attack::slowloris, attack::unknown_methods, attack::readyz, attack::chunk_extensions};

const char* name(attack a) {
  switch (a) {
    case attack::slowloris: return "slowloris";
    case attack::unknown_methods: return "unknown_methods";
    case attack::readyz: return "readyz";
    case attack::chunk_extensions: return "chunk_extensions";
  }
  return "?";
}

std::string option_name(attack a) {
  std::string option = std::string("--") + name(a);
  for (char& c : option) c = c == '_' ? '-' : c;
  return option;
}

struct attack_stats {
  std::uint64_t connections = 0;
  std::uint64_t connect_errors = 0;
  std::uint64_t closed_by_server = 0;
  std::uint64_t bytes_sent = 0;
  std::map<int, std::uint64_t> statuses;
};

struct options {
  asio::ip::address target_address;
  unsigned short port = 0;
  double duration_seconds = 0;
  std::map<attack, std::size_t> attackers;
  std::vector<asio::ip::address> sources;
};

[[noreturn]] void usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "hostile_load: " << problem << "\n";
  std::cerr << "usage: hostile_load --target 127.0.0.1:PORT --duration SECONDS [--slowloris N]\n"
               "                    [--unknown-methods N] [--readyz N] [--chunk-extensions N] [--from A,B,...]\n";
  std::exit(2);
}

asio::ip::address loopback(const std::string& text, const char* what) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(text, ec);
  if (ec || !address.is_v4() || !address.is_loopback())
    usage(std::string(what) + ": \"" + text + "\" is not a loopback IPv4 address (127.x.y.z)");
  return address;
}

std::size_t number(const std::string& text, const std::string& what, std::size_t most) {
  char* end = nullptr;
  const auto n = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n > most)
    usage(what + ": expected a number from 0 to " + std::to_string(most));
  return static_cast<std::size_t>(n);
}

std::size_t count(const std::string& text, const std::string& what) { return number(text, what, 10000); }

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--target") {
      const auto v = value();
      const auto colon = v.rfind(':');
      if (colon == std::string::npos) usage("--target: expected host:port");
      o.target_address = loopback(v.substr(0, colon), "--target");
      const auto port = number(v.substr(colon + 1), "--target port", 65535);
      if (port == 0) usage("--target: port out of range");
      o.port = static_cast<unsigned short>(port);
    } else if (arg == "--duration") {
      o.duration_seconds = std::atof(value().c_str());
    } else if (arg == "--from") {
      std::stringstream list(value());
      for (std::string item; std::getline(list, item, ',');) o.sources.push_back(loopback(item, "--from"));
    } else {
      bool known = false;
      for (attack a : all_attacks)
        if (arg == option_name(a)) {
          o.attackers[a] = count(value(), arg);
          known = true;
        }
      if (!known) usage("unknown option " + arg);
    }
  }
  if (o.port == 0) usage("--target is required");
  if (o.duration_seconds <= 0) usage("--duration: expected seconds > 0");
  if (o.sources.empty()) o.sources.push_back(asio::ip::make_address("127.0.0.1"));
  return o;
}

// One attacking connection, reconnecting until the run is over.
class attacker : public std::enable_shared_from_this<attacker> {
 public:
  attacker(asio::io_context& io, attack kind, tcp::endpoint target, asio::ip::address from,
           clock_type::time_point until, attack_stats& stats)
      : io_(io), kind_(kind), target_(target), from_(from), until_(until), stats_(stats), socket_(io), timer_(io) {}

  void start() { connect(); }

 private:
  bool over() const { return clock_type::now() >= until_; }

  void connect() {
    if (over()) return;
    boost::system::error_code ec;
    socket_ = tcp::socket(io_);
    socket_.open(tcp::v4(), ec);
    if (!ec) socket_.bind(tcp::endpoint(from_, 0), ec);
    if (ec) return refused();
    ++generation_;
    socket_.async_connect(target_, [self = shared_from_this()](boost::system::error_code connect_ec) {
      if (connect_ec) return self->refused();
      ++self->stats_.connections;
      self->open_ = true;
      self->got_status_ = false;
      self->begin();
    });
  }

  void refused() {
    ++stats_.connect_errors;
    again();
  }

  void begin() {
    switch (kind_) {
      case attack::slowloris:
        send("POST /webhooks/stripe HTTP/1.1\r\nHost: tutorbot\r\nContent-Type: application/json\r\n");
        read_raw();
        drip();
        return;
      case attack::chunk_extensions:
        send("POST /webhooks/stripe HTTP/1.1\r\nHost: tutorbot\r\nTransfer-Encoding: chunked\r\n\r\n1;x=");
        read_raw();
        return;
      case attack::unknown_methods:
      case attack::readyz:
        return next_request();
    }
  }

  // Writes whole buffers one after another; the chunk-extension attack refills as each completes.
  void send(std::string bytes) {
    auto owned = std::make_shared<std::string>(std::move(bytes));
    asio::async_write(socket_, asio::buffer(*owned),
                      [self = shared_from_this(), owned, generation = generation_](boost::system::error_code ec,
                                                                                    std::size_t n) {
                        if (generation != self->generation_ || !self->open_) return;
                        self->stats_.bytes_sent += n;
                        if (ec) return self->end(true);
                        if (self->kind_ == attack::chunk_extensions) {
                          if (self->over()) return self->end(false);
                          self->send(std::string(16 * 1024, 'a'));
                        }
                      });
  }

  // Slowloris: one more header line a second, the blank line never.
  void drip() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
      if (ec || generation != self->generation_ || !self->open_) return;
      if (self->over()) return self->end(false);
      self->send("X-Slow-" + std::to_string(self->lines_++) + ": 1\r\n");
      self->drip();
    });
  }

  // Whatever the server answers to a request it never sees end: a status, then the close.
  void read_raw() {
    socket_.async_read_some(asio::buffer(raw_), [self = shared_from_this(), generation = generation_](
                                                    boost::system::error_code ec, std::size_t n) {
      if (generation != self->generation_ || !self->open_) return;
      if (ec) return self->end(true);
      const std::string_view got(self->raw_.data(), n);
      if (!self->got_status_ && got.starts_with("HTTP/1.1 ") && got.size() >= 12) {
        self->got_status_ = true;
        ++self->stats_.statuses[std::atoi(std::string(got.substr(9, 3)).c_str())];
      }
      self->read_raw();
    });
  }

  void next_request() {
    if (over()) return end(false);
    const std::string request = kind_ == attack::readyz
                                    ? "GET /readyz HTTP/1.1\r\nHost: tutorbot\r\n\r\n"
                                    : "FOO" + std::to_string(sequence_++) + " /x HTTP/1.1\r\nHost: tutorbot\r\n\r\n";
    auto owned = std::make_shared<std::string>(request);
    asio::async_write(socket_, asio::buffer(*owned),
                      [self = shared_from_this(), owned](boost::system::error_code ec, std::size_t n) {
                        self->stats_.bytes_sent += n;
                        if (ec) return self->end(true);
                        self->read_response();
                      });
  }

  void read_response() {
    parser_.emplace();
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->end(true);
      ++self->stats_.statuses[static_cast<int>(self->parser_->get().result_int())];
      if (!self->parser_->get().keep_alive()) return self->end(true);
      self->next_request();
    });
  }

  void end(bool by_server) {
    if (!open_) return;
    open_ = false;
    if (by_server) ++stats_.closed_by_server;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    buffer_.clear();
    again();
  }

  void again() {
    if (over()) return;
    timer_.expires_after(std::chrono::milliseconds(100));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->connect();
    });
  }

  asio::io_context& io_;
  attack kind_;
  tcp::endpoint target_;
  asio::ip::address from_;
  clock_type::time_point until_;
  attack_stats& stats_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::uint64_t generation_ = 0;  // callbacks of a closed connection find a newer one and do nothing
  bool open_ = false;
  bool got_status_ = false;
  std::uint64_t lines_ = 0;
  std::uint64_t sequence_ = 0;
  std::array<char, 4096> raw_{};
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

int run(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  asio::io_context io(1);
  const auto until = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                             std::chrono::duration<double>(opts.duration_seconds));
  const tcp::endpoint target(opts.target_address, opts.port);
  std::map<attack, attack_stats> stats;
  std::size_t next_source = 0;
  for (const auto& [kind, n] : opts.attackers)
    for (std::size_t i = 0; i < n; ++i)
      std::make_shared<attacker>(io, kind, target, opts.sources[next_source++ % opts.sources.size()], until,
                                 stats[kind])
          ->start();
  io.run();

  std::cout << "hostile_load: duration=" << opts.duration_seconds << "s sources=" << opts.sources.size();
  for (const auto& [kind, s] : stats) {
    std::cout << ' ' << name(kind) << "=" << opts.attackers.at(kind) << " " << name(kind)
              << "_connections=" << s.connections << " " << name(kind) << "_refused=" << s.connect_errors << " "
              << name(kind) << "_closed_by_server=" << s.closed_by_server << " " << name(kind)
              << "_mib_sent=" << s.bytes_sent / (1024 * 1024) << " " << name(kind) << "_statuses=";
    bool first = true;
    for (const auto& [status, times] : s.statuses) {
      std::cout << (first ? "" : ",") << status << ':' << times;
      first = false;
    }
    if (first) std::cout << "none";
  }
  std::cout << std::endl;
  return 0;
}

}  // namespace
}  // namespace tutorbot::bench

int main(int argc, char** argv) {
  try {
    return tutorbot::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hostile_load: " << e.what() << "\n";
    return 2;
  }
}
