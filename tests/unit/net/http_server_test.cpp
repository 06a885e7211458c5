#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>
#include <vector>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include "net/http_server.hpp"
#include "obs/metrics.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/eventually.hpp"

using namespace tutorbot;
using testing::http_request;
using testing::raw_connection;
using testing::eventually;

namespace {

// A server on an ephemeral loopback port, its io_context on one thread.
struct running_server {
  explicit running_server(net::server_options options = small_limits(), net::router routes = sample_routes())
      : work(io.get_executor()) {
    options.port = 0;
    server = std::make_unique<net::http_server>(io, options, std::move(routes), metrics);
    server->start();
    thread = std::thread([this] { io.run(); });
  }

  ~running_server() {
    stop();
    work.reset();
    io.stop();
    thread.join();
  }

  bool stop(std::chrono::seconds wait = std::chrono::seconds(10)) {
    if (stopped) return true;
    stopped = true;
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    server->shutdown([drained] { drained->set_value(); });
    return done.wait_for(wait) == std::future_status::ready;
  }

  static net::server_options small_limits() {
    net::server_options o;
    o.header_limit = 1024;
    o.body_limit = 4096;
    o.read_timeout = std::chrono::seconds(1);
    o.header_timeout = std::chrono::seconds(1);
    o.idle_timeout = std::chrono::seconds(1);
    o.max_connections = 8;
    o.shutdown_grace = std::chrono::seconds(3);
    return o;
  }

  static net::router sample_routes() {
    net::router r;
    r.add("GET", "/hello", [](net::server_request&& req, net::respond_fn respond) {
      respond(net::server_response::json(200, R"({"hello":")" + req.query_param("name").value_or("") + "\"}"));
    });
    r.add("POST", "/echo", [](net::server_request&& req, net::respond_fn respond) {
      respond(net::server_response::text(200, req.body, "text/plain"));
    });
    r.add("GET", "/tutors/{id}", [](net::server_request&& req, net::respond_fn respond) {
      respond(net::server_response::text(200, req.path_params.at("id"), "text/plain"));
    });
    return r;
  }

  unsigned short port() const { return server->port(); }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  obs::metrics metrics;
  std::unique_ptr<net::http_server> server;
  std::thread thread;
  bool stopped = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_AUTO_TEST_CASE(routes_a_get_with_query_and_path_parameters) {
  running_server s;
  auto hello = http_request(s.port(), "GET", "/hello?name=Fleur%20de%20Vries");
  BOOST_TEST(hello.status == 200);
  BOOST_TEST(hello.body == R"({"hello":"Fleur de Vries"})");
  BOOST_TEST(hello.header("Content-Type") == "application/json");
  auto tutor = http_request(s.port(), "GET", "/tutors/t-anna");
  BOOST_TEST(tutor.body == "t-anna");
}

BOOST_AUTO_TEST_CASE(unknown_route_is_404_json) {
  running_server s;
  auto r = http_request(s.port(), "GET", "/nope");
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.body.find(R"("error":"not_found")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  running_server s;
  auto r = http_request(s.port(), "DELETE", "/hello");
  BOOST_TEST(r.status == 405);
  BOOST_TEST(r.header("Allow") == "GET");
  BOOST_TEST(r.body.find(R"("error":"method_not_allowed")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(request_id_is_generated_and_echoed) {
  running_server s;
  auto generated = http_request(s.port(), "GET", "/hello");
  BOOST_TEST(generated.header("X-Request-Id").size() == 16u);
  auto echoed = http_request(s.port(), "GET", "/hello", "", "X-Request-Id: trace-42\r\n");
  BOOST_TEST(echoed.header("X-Request-Id") == "trace-42");
  auto unsafe = http_request(s.port(), "GET", "/hello", "", "X-Request-Id: a b<script>\r\n");
  BOOST_TEST(unsafe.header("X-Request-Id") != "a b<script>");
}

BOOST_AUTO_TEST_CASE(oversized_headers_get_431) {
  running_server s;
  auto r = http_request(s.port(), "GET", "/hello", "", "X-Padding: " + std::string(2000, 'x') + "\r\n");
  BOOST_TEST(r.status == 431);
  BOOST_TEST(r.body.find(R"("error":"headers_too_large")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(declared_oversized_body_gets_413_before_it_is_read) {
  running_server s;
  raw_connection c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n");
  auto r = c.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 413);
  BOOST_TEST(r->body.find(R"("error":"body_too_large")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(chunked_body_over_the_limit_gets_413) {
  running_server s;
  raw_connection c(s.port());
  std::string chunk(3000, 'a');
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  c.send("bb8\r\n" + chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n");
  auto r = c.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 413);
}

BOOST_AUTO_TEST_CASE(body_within_the_limit_arrives_intact) {
  running_server s;
  std::string body(4000, 'z');
  auto r = http_request(s.port(), "POST", "/echo", body);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == body);
}

BOOST_AUTO_TEST_CASE(expect_continue_is_honoured) {
  running_server s;
  raw_connection c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  auto interim = c.read_response();
  BOOST_REQUIRE(interim);
  BOOST_TEST(interim->status == 100);
  c.send("hello");
  auto r = c.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200);
  BOOST_TEST(r->body == "hello");
}

BOOST_AUTO_TEST_CASE(slow_client_is_disconnected_after_the_read_timeout) {
  running_server s;
  raw_connection c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part");
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(client_that_never_sends_is_disconnected) {
  running_server s;
  raw_connection c(s.port());
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed) {
  running_server s;
  raw_connection c(s.port());
  c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200);
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_several_requests_on_one_connection) {
  running_server s;
  raw_connection c(s.port());
  for (int i = 0; i < 3; ++i) {
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 200);
  }
}

BOOST_AUTO_TEST_CASE(connections_over_the_cap_get_503_when_every_open_one_has_sent_a_request) {
  net::server_options options = running_server::small_limits();
  options.idle_timeout = std::chrono::seconds(30);  // the kept-alive connections stay
  running_server s(options);
  std::vector<std::unique_ptr<raw_connection>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(std::make_unique<raw_connection>(s.port()));
    held.back()->send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_REQUIRE(held.back()->read_response());
  }
  BOOST_REQUIRE(eventually([&] { return s.server->open_connections() == 8; }));
  raw_connection extra(s.port());
  auto r = extra.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 503);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_by_route_pattern) {
  running_server s;
  http_request(s.port(), "GET", "/tutors/a");
  http_request(s.port(), "GET", "/tutors/b");
  http_request(s.port(), "GET", "/nope");
  // The server counts a request once its response is written, just after the client has it.
  BOOST_REQUIRE(eventually([&] {
    return s.metrics.render().find(R"(route="unmatched",status="404")") != std::string::npos;
  }));
  auto text = s.metrics.render();
  BOOST_TEST(text.find(R"(tutorbot_http_requests_total{method="GET",route="/tutors/{id}",status="200"} 2)") !=
             std::string::npos);
  BOOST_TEST(text.find(R"(route="unmatched",status="404")") != std::string::npos);
  BOOST_TEST(text.find("tutorbot_http_request_duration_seconds_bucket") != std::string::npos);
  BOOST_TEST(text.find("tutorbot_http_open_connections") != std::string::npos);
}

// ---- hostile input (issue 13) -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(made_up_methods_share_one_metric_label) {
  running_server s;
  for (int i = 0; i < 50; ++i) http_request(s.port(), "FOO" + std::to_string(i), "/hello");
  const std::string fifty = R"(tutorbot_http_requests_total{method="other",route="unmatched",status="405"} 50)";
  BOOST_TEST(eventually([&] { return s.metrics.render().find(fifty) != std::string::npos; }), s.metrics.render());
  BOOST_TEST(s.metrics.render().find("FOO") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_gets_the_get_header_and_no_body) {
  running_server s;
  raw_connection c(s.port());
  c.send("HEAD /hello?name=x HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_head_response();
  BOOST_REQUIRE(head);
  BOOST_TEST(head->status == 200);
  BOOST_TEST(head->header("Content-Length") == "13");  // as the GET's body: {"hello":"x"}
  // The kept-alive connection's next answer starts right after that header.
  c.send("GET /hello?name=y HTTP/1.1\r\nHost: x\r\n\r\n");
  auto next = c.read_response();
  BOOST_REQUIRE(next);
  BOOST_TEST(next->status == 200);
  BOOST_TEST(next->body == R"({"hello":"y"})");
}

BOOST_AUTO_TEST_CASE(an_endless_chunk_extension_is_cut_off_with_413_long_before_the_read_timeout) {
  net::server_options options = running_server::small_limits();
  options.read_timeout = std::chrono::seconds(30);
  running_server s(options);
  raw_connection c(s.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=");
  const std::string filler(4096, 'a');
  const auto started = std::chrono::steady_clock::now();
  std::optional<testing::raw_response> answer;
  for (int i = 0; i < 64 && !answer; ++i) {
    try {
      c.send(filler);
    } catch (const std::exception&) {
      break;  // closed: the answer is waiting
    }
  }
  answer = c.read_response(std::chrono::seconds(5));
  BOOST_REQUIRE(answer);
  BOOST_TEST(answer->status == 413);
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(10)));
}

BOOST_AUTO_TEST_CASE(one_address_gets_its_share_of_connections_and_no_more) {
  net::server_options options = running_server::small_limits();
  options.max_connections = 100;
  options.max_connections_per_address = 3;
  running_server s(options);
  std::vector<std::unique_ptr<raw_connection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<raw_connection>(s.port()));
  BOOST_REQUIRE(eventually([&] { return s.server->open_connections() == 3; }));
  raw_connection extra(s.port());
  auto r = extra.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 429);
  held.pop_back();  // a slot is free again, once the server has seen it closed and the refused one gone
  BOOST_REQUIRE(eventually([&] { return s.server->open_connections() <= 2; }));
  BOOST_TEST(http_request(s.port(), "GET", "/hello").status == 200);
}

BOOST_AUTO_TEST_CASE(at_the_cap_a_connection_that_never_sent_a_header_makes_room_for_a_request) {
  net::server_options options = running_server::small_limits();
  options.header_timeout = std::chrono::seconds(30);  // the slowloris connections stay
  options.read_timeout = std::chrono::seconds(30);
  options.max_connections_per_address = 0;  // all of them come from 127.0.0.1
  running_server s(options);
  std::vector<std::unique_ptr<raw_connection>> silent;
  for (std::size_t i = 0; i < options.max_connections; ++i) {
    silent.push_back(std::make_unique<raw_connection>(s.port()));
    silent.back()->send("GET /hel");  // and then nothing, as slowloris does
  }
  BOOST_REQUIRE(eventually([&] { return s.server->open_connections() == options.max_connections; }));
  auto r = http_request(s.port(), "GET", "/hello?name=legit");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(s.metrics.render().find("tutorbot_http_connections_evicted_total 1") != std::string::npos);
  // The one that waited longest went.
  BOOST_TEST(silent.front()->closed_by_peer(std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(a_new_connection_must_send_its_header_within_the_header_timeout) {
  net::server_options options = running_server::small_limits();
  options.read_timeout = std::chrono::seconds(30);
  options.header_timeout = std::chrono::seconds(1);
  running_server s(options);
  raw_connection c(s.port());
  c.send("GET /hel");  // and then nothing, as slowloris does
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(c.closed_by_peer(std::chrono::seconds(10)));
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));
}

namespace {

double accept_failures(const obs::metrics& metrics) {
  const std::string name = "\ntutorbot_http_accept_failures_total ";
  const auto text = metrics.render();
  const auto at = text.find(name);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size()));
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n - 1;  // the iterator's own
}

}  // namespace

BOOST_AUTO_TEST_CASE(out_of_descriptors_the_accept_loop_waits_instead_of_spinning_and_then_serves_again) {
  running_server s;
  constexpr int clients = 5;
  rlimit original{};
  BOOST_REQUIRE(getrlimit(RLIMIT_NOFILE, &original) == 0);
  int hold[2];
  BOOST_REQUIRE(pipe(hold) == 0);
  // No descriptor left for the server to accept with (EMFILE).
  rlimit exhausted = original;
  exhausted.rlim_cur = open_descriptors();
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &exhausted) == 0);
  const pid_t child = fork();
  if (child == 0) {
    // The clients, in a process of their own: only system calls until _exit.
    setrlimit(RLIMIT_NOFILE, &original);
    close(hold[1]);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(s.port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < clients; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) _exit(1);
    }
    char byte;
    while (read(hold[0], &byte, 1) > 0) {
    }
    _exit(0);
  }
  const bool forked = child > 0;
  const auto first_failure = [&] {
    eventually([&] { return accept_failures(s.metrics) >= 1; }, std::chrono::seconds(10));
    return std::chrono::steady_clock::now();
  }();
  const bool third = eventually([&] { return accept_failures(s.metrics) >= 3; }, std::chrono::seconds(10));
  const auto third_failure = std::chrono::steady_clock::now();
  setrlimit(RLIMIT_NOFILE, &original);
  close(hold[0]);
  BOOST_REQUIRE(forked);
  // A spinning loop fails thousands of times a second; this one tries again every 100 ms.
  BOOST_TEST(third);
  BOOST_TEST((third_failure - first_failure >= std::chrono::milliseconds(150)));
  // Descriptors back: the connections that waited are taken.
  BOOST_TEST(eventually([&] { return s.server->open_connections() == clients; }, std::chrono::seconds(10)),
             s.server->open_connections());
  close(hold[1]);
  int status = 0;
  waitpid(child, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  BOOST_TEST(eventually([&] { return s.server->open_connections() == 0; }, std::chrono::seconds(10)));
  BOOST_TEST(http_request(s.port(), "GET", "/hello?name=again").status == 200);
}

BOOST_AUTO_TEST_CASE(shutdown_lets_an_in_flight_request_finish) {
  net::router routes;
  boost::asio::io_context* io_ptr = nullptr;
  std::promise<void> entered;
  routes.add("GET", "/slow", [&](net::server_request&&, net::respond_fn respond) {
    auto timer = std::make_shared<boost::asio::steady_timer>(*io_ptr, std::chrono::milliseconds(500));
    timer->async_wait([timer, respond](auto) {
      respond(net::server_response::text(200, "finished", "text/plain"));
    });
    entered.set_value();
  });
  running_server s(running_server::small_limits(), std::move(routes));
  io_ptr = &s.io;
  raw_connection c(s.port());
  c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_REQUIRE(entered.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  std::atomic<bool> drained{false};
  std::thread stopper([&] { drained = s.stop(); });
  auto r = c.read_response();
  stopper.join();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200);
  BOOST_TEST(r->body == "finished");
  BOOST_TEST(r->header("Connection") == "close");
  BOOST_TEST(drained.load());
}

BOOST_AUTO_TEST_CASE(a_kept_copy_of_respond_does_not_keep_the_answered_connection) {
  // A handler may keep its respond_fn beyond the answer (a timer on another thread, an actor);
  // the connection must still close and be freed on the server's thread, not wherever that
  // copy is dropped.
  std::mutex kept_mutex;
  std::vector<net::respond_fn> kept;
  net::router routes;
  routes.add("GET", "/kept", [&](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::text(200, "answered", "text/plain"));
    std::lock_guard lock(kept_mutex);
    kept.push_back(respond);
  });
  running_server s(running_server::small_limits(), std::move(routes));
  {
    raw_connection c(s.port());
    c.send("GET /kept HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->body == "answered");
  }
  BOOST_TEST(eventually([&] { return s.server->open_connections() == 0; }, std::chrono::seconds(5)));
  std::lock_guard lock(kept_mutex);
  BOOST_TEST(kept.size() == 1u);
  kept.front()(net::server_response::text(200, "again", "text/plain"));  // ignored, harmless
}

BOOST_AUTO_TEST_CASE(shutdown_refuses_new_connections) {
  running_server s;
  BOOST_REQUIRE(s.stop());
  BOOST_CHECK_THROW(http_request(s.port(), "GET", "/hello"), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
