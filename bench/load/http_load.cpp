// http_load: a keep-alive HTTP/1.1 load generator for tutorbot's benchmarks.
//
// One io_context on one thread drives N connections; each connection sends its next request
// as soon as the previous response is complete (closed loop, no pacing, no sleeps). The run is
// bounded by a duration, a request count, or (with --once) by the request file itself.
// Latency is measured on steady_clock from the start of the write to the last byte of the
// response. Loopback only: the benchmarks must never load anything but this machine.
//
//   http_load --target 127.0.0.1:8080 --connections 64 --duration 30
//             --requests-file slots.txt [--once] [--expect 201,409] [--results out.txt]
//   http_load --target 127.0.0.1:8080 --path /healthz --requests 10000
//
// Prints one summary line on stdout; exits 0 when every request got a 2xx or an expected
// status, 1 otherwise, 2 on a usage error.

#include "bench/load/load_stats.hpp"
#include "bench/load/request_source.hpp"
#include "net/chatwoot_json.hpp"
#include "net/chatwoot_signature.hpp"
#include "net/stripe_signature.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace tutorbot::bench {
namespace {

struct options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t connections = 16;
  double duration_seconds = 0;  // 0: not bounded by time
  std::size_t request_count = 0;  // 0: not bounded by count
  std::string token;
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string requests_file;
  bool once = false;  // every line of the request file exactly once
  std::set<int> expected;
  std::string results_file;
  double timeout_seconds = 10;
  std::string label = "http_load";
  std::string stripe_secret;    // sign each body as Stripe signs webhooks
  std::string chatwoot_secret;  // sign each body as Chatwoot signs agent-bot webhooks
};

[[noreturn]] void usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "http_load: " << problem << "\n";
  std::cerr <<
      "usage: http_load --target 127.0.0.1:PORT [--connections N]\n"
      "                 (--duration SECONDS | --requests N | --once)\n"
      "                 (--path PATH [--method M] [--body JSON] | --requests-file FILE)\n"
      "                 [--token T] [--expect 201,409] [--results FILE] [--timeout S] [--label L]\n"
      "                 [--stripe-secret S | --chatwoot-secret S]\n"
      "  --requests-file: one `METHOD PATH [JSON BODY]` per line, used round-robin;\n"
      "  --once: every line exactly once, spread over the connections.\n"
      "  --token defaults to $TUTORBOT_API_TOKEN; it is sent as `Authorization: Bearer`.\n"
      "  --results writes `line status latency_us body` per request (status 0: no response).\n"
      "  --stripe-secret S: add `Stripe-Signature` (t = now, v1 = HMAC-SHA256 of t.body) to every\n"
      "                     request, as Stripe signs webhooks; runs must end within its 300 s tolerance.\n"
      "  --chatwoot-secret S: add `X-Chatwoot-Signature` and `X-Chatwoot-Timestamp` (t = now, HMAC-SHA256\n"
      "                       of t.body) to every request, as Chatwoot signs agent-bot webhooks.\n";
  std::exit(2);
}

std::size_t to_count(const std::string& v, const char* what) {
  try {
    std::size_t used = 0;
    const auto n = std::stoull(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return static_cast<std::size_t>(n);
  } catch (const std::exception&) {
    usage(std::string(what) + ": \"" + v + "\" is not a whole number");
  }
}

options parse(int argc, char** argv) {
  options o;
  if (const char* t = std::getenv("TUTORBOT_API_TOKEN")) o.token = t;
  bool have_target = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--target") {
      const auto v = value();
      const auto colon = v.rfind(':');
      if (colon == std::string::npos) usage("--target: expected host:port");
      o.host = v.substr(0, colon);
      const auto port = to_count(v.substr(colon + 1), "--target port");
      if (port == 0 || port > 65535) usage("--target: port out of range");
      o.port = static_cast<unsigned short>(port);
      have_target = true;
    } else if (a == "--connections") {
      o.connections = to_count(value(), "--connections");
    } else if (a == "--duration") {
      o.duration_seconds = std::atof(value().c_str());
      if (o.duration_seconds <= 0) usage("--duration: expected seconds > 0");
    } else if (a == "--requests") {
      o.request_count = to_count(value(), "--requests");
    } else if (a == "--token") {
      o.token = value();
    } else if (a == "--method") {
      o.method = value();
    } else if (a == "--path") {
      o.path = value();
    } else if (a == "--body") {
      o.body = value();
    } else if (a == "--stripe-secret") {
      o.stripe_secret = value();
    } else if (a == "--chatwoot-secret") {
      o.chatwoot_secret = value();
    } else if (a == "--requests-file") {
      o.requests_file = value();
    } else if (a == "--once") {
      o.once = true;
    } else if (a == "--expect") {
      auto list = value();
      std::size_t pos = 0;
      while (pos <= list.size()) {
        const auto comma = list.find(',', pos);
        const auto item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (!item.empty()) o.expected.insert(static_cast<int>(to_count(item, "--expect")));
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (a == "--results") {
      o.results_file = value();
    } else if (a == "--timeout") {
      o.timeout_seconds = std::atof(value().c_str());
      if (o.timeout_seconds <= 0) usage("--timeout: expected seconds > 0");
    } else if (a == "--label") {
      o.label = value();
    } else if (a == "-h" || a == "--help") {
      usage("");
    } else {
      usage("unknown option " + a);
    }
  }
  if (!have_target) usage("--target is required");
  if (o.connections == 0 || o.connections > 1024) usage("--connections: 1..1024");
  if (o.path.empty() == o.requests_file.empty()) usage("give exactly one of --path and --requests-file");
  if (o.once && o.requests_file.empty()) usage("--once needs --requests-file");
  if (!o.stripe_secret.empty() && !o.chatwoot_secret.empty()) usage("sign as Stripe or as Chatwoot, not both");
  if (!o.once && o.duration_seconds == 0 && o.request_count == 0)
    usage("bound the run with --duration, --requests or --once");
  return o;
}

// The benchmarks drive this machine only; anything else is refused before a socket opens.
asio::ip::address loopback_address(const std::string& host) {
  const std::string literal = host == "localhost" ? "127.0.0.1" : host;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(literal, ec);
  if (ec || !address.is_v4() || !address.is_loopback())
    usage("--target: \"" + host + "\" refused; only loopback (127.0.0.1) targets are allowed");
  return address;
}

class load_run {
 public:
  load_run(const options& o, std::vector<request_line> requests)
      : opts_(o), requests_(std::move(requests)) {
    limit_ = o.request_count;
    if (o.once) limit_ = limit_ == 0 ? requests_.size() : std::min(limit_, requests_.size());
    if (!o.results_file.empty()) {
      results_.open(o.results_file, std::ios::out | std::ios::trunc);
      if (!results_) throw std::runtime_error(o.results_file + ": cannot write the results file");
    }
  }

  void begin() {
    started_ = clock_type::now();
    if (opts_.duration_seconds > 0)
      deadline_ = started_ + std::chrono::duration_cast<clock_type::duration>(
                                 std::chrono::duration<double>(opts_.duration_seconds));
  }

  // The index of the next request to send, or nothing when the run is over.
  std::optional<std::size_t> take() {
    if (stopping_) return std::nullopt;
    if (deadline_ && clock_type::now() >= *deadline_) return std::nullopt;
    if (limit_ != 0 && issued_ >= limit_) return std::nullopt;
    const auto i = issued_++;
    return opts_.once ? i : i % requests_.size();
  }

  const std::string& wire(std::size_t i) const { return requests_[i].wire; }

  void record_response(std::size_t i, int status, clock_type::duration latency, const std::string& body) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
    stats_.record(status, ns, opts_.expected);
    if (results_.is_open()) write_result(i, status, ns / 1000, body);
  }

  void record_failure(std::optional<std::size_t> i, const boost::system::error_code& ec) {
    ++stats_.connection_errors;
    if (first_error_.empty()) first_error_ = ec.message();
    if (i) {
      ++stats_.failed_requests;
      if (results_.is_open()) write_result(*i, 0, 0, "connection_error: " + ec.message());
    }
    // A server that is gone would otherwise turn the run into a reconnect loop.
    if (stats_.connection_errors > std::max<std::size_t>(100, 4 * opts_.connections)) stopping_ = true;
  }

  int finish() {
    const double seconds = std::chrono::duration<double>(clock_type::now() - started_).count();
    if (results_.is_open()) results_.close();
    std::cout << summary_line(opts_.label, stats_, seconds) << std::endl;
    if (!first_error_.empty()) std::cerr << opts_.label << ": first connection error: " << first_error_ << "\n";
    return stats_.unexpected == 0 && stats_.connection_errors == 0 ? 0 : 1;
  }

  const options& opts() const { return opts_; }

 private:
  void write_result(std::size_t i, int status, long long latency_us, const std::string& body) {
    results_ << requests_[i].line_number << ' ' << status << ' ' << latency_us << ' ';
    for (char c : body) results_ << (c == '\n' || c == '\r' ? ' ' : c);
    results_ << '\n';
  }

  const options& opts_;
  std::vector<request_line> requests_;
  std::size_t limit_ = 0;
  std::size_t issued_ = 0;
  bool stopping_ = false;
  clock_type::time_point started_;
  std::optional<clock_type::time_point> deadline_;
  load_stats stats_;
  std::ofstream results_;
  std::string first_error_;
};

// One keep-alive connection: connect, then write / read / next until the run is over.
class session : public std::enable_shared_from_this<session> {
 public:
  session(asio::io_context& ioc, load_run& run, tcp::endpoint endpoint)
      : stream_(ioc), run_(run), endpoint_(endpoint),
        timeout_(std::chrono::duration_cast<clock_type::duration>(
            std::chrono::duration<double>(run.opts().timeout_seconds))) {}

  void start() { next(); }

 private:
  void next() {
    current_ = run_.take();
    if (!current_) {
      close();
      return;
    }
    if (connected_)
      write();
    else
      connect();
  }

  void connect() {
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoint_, [self = shared_from_this()](beast::error_code ec) {
      self->on_connect(ec);
    });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec);
    stream_.socket().set_option(tcp::no_delay(true), ec);
    connected_ = true;
    write();
  }

  void write() {
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    parser_->body_limit(64 * 1024 * 1024);
    started_ = clock_type::now();
    stream_.expires_after(timeout_);
    asio::async_write(stream_, asio::buffer(run_.wire(*current_)),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_write(ec);
                      });
  }

  void on_write(beast::error_code ec) {
    if (ec) return fail(ec);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec);
    const auto latency = clock_type::now() - started_;
    auto& response = parser_->get();
    run_.record_response(*current_, static_cast<int>(response.result_int()), latency, response.body());
    if (!response.keep_alive()) close();  // the server said Connection: close; reconnect for the next
    next();
  }

  void fail(beast::error_code ec) {
    run_.record_failure(current_, ec);
    close();
    next();
  }

  void close() {
    if (!connected_ && !stream_.socket().is_open()) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }

  beast::tcp_stream stream_;
  load_run& run_;
  tcp::endpoint endpoint_;
  clock_type::duration timeout_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::optional<std::size_t> current_;
  clock_type::time_point started_;
  bool connected_ = false;
};

int run(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  const auto address = loopback_address(opts.host);
  const std::string host_header = address.to_string() + ":" + std::to_string(opts.port);
  std::vector<request_line> requests;
  header_maker sign;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!opts.stripe_secret.empty())
    sign = [secret = opts.stripe_secret, now](const std::string& body) {
      return "Stripe-Signature: " + net::stripe_signature_header(body, secret, now) + "\r\n";
    };
  if (!opts.chatwoot_secret.empty())
    sign = [secret = opts.chatwoot_secret, now](const std::string& body) {
      return "X-Chatwoot-Signature: " + net::chatwoot_signature_header(body, secret, now) +
             "\r\nX-Chatwoot-Timestamp: " + std::to_string(now.time_since_epoch().count()) + "\r\n";
    };
  if (!opts.requests_file.empty()) {
    requests = load_request_file(opts.requests_file, host_header, opts.token, sign);
  } else {
    const request_template fixed{opts.method, opts.path, opts.body};
    requests.push_back({1, serialise(fixed, host_header, opts.token, sign)});
  }

  load_run load(opts, std::move(requests));
  asio::io_context ioc(1);
  const tcp::endpoint endpoint(address, opts.port);
  load.begin();
  for (std::size_t i = 0; i < opts.connections; ++i)
    std::make_shared<session>(ioc, load, endpoint)->start();
  ioc.run();
  return load.finish();
}

}  // namespace
}  // namespace tutorbot::bench

int main(int argc, char** argv) {
  try {
    return tutorbot::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "http_load: " << e.what() << "\n";
    return 2;
  }
}
