#include <atomic>
#include <csignal>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "tests/support/pg.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"

using namespace tutorbot;

namespace {

const std::string binary = TUTORBOT_BINARY_DIR "/tutorbot";

struct served_tutorbot {
  explicit served_tutorbot(unsigned short p = testing::free_port())
      : port(p),
        log_path("/tmp/tutorbot-e2e-serve-" + std::to_string(port) + ".log"),
        process({binary, "serve", "--config", TUTORBOT_SOURCE_DIR "/tests/config"}, environment(port), log_path) {}

  std::map<std::string, std::string> environment(unsigned short p) {
    auto env = testing::sandbox_environment();
    env["DATABASE_URL"] = testing::fresh_database("e2e_serve");
    env["TUTORBOT_LISTEN"] = "127.0.0.1:" + std::to_string(p);
    return env;
  }

  bool ready(std::chrono::seconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      try {
        if (testing::http_request(port, "GET", "/readyz").status == 200) return true;
      } catch (const std::exception&) {
        // not listening yet
      }
      if (process.wait_for_exit(std::chrono::milliseconds(10))) return false;
    }
    return false;
  }

  unsigned short port;
  std::string log_path;
  testing::child_process process;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(shutdown)

BOOST_AUTO_TEST_CASE(sigterm_under_load_exits_0_within_5_s_and_cuts_no_response_short) {
  served_tutorbot svc;
  BOOST_REQUIRE_MESSAGE(svc.ready(std::chrono::seconds(60)), "tutorbot did not become ready; see " + svc.log_path);

  std::atomic<bool> stop_load{false};
  std::atomic<int> completed{0}, cut_short{0}, refused{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&] {
      while (!stop_load) {
        try {
          testing::raw_connection c(svc.port);
          while (!stop_load) {
            c.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
            auto r = c.read_response(std::chrono::seconds(10));
            if (!r) {
              if (c.last_read_was_partial()) ++cut_short;
              break;  // closed between responses: reconnect
            }
            ++completed;
            if (r->header("Connection") == "close") break;
          }
        } catch (const std::exception&) {
          ++refused;  // not accepting any more: expected once shutdown began
          if (stop_load) break;
        }
      }
    });
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (completed < 500 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  BOOST_REQUIRE(completed >= 500);

  auto signalled = std::chrono::steady_clock::now();
  svc.process.signal(SIGTERM);
  auto code = svc.process.wait_for_exit(std::chrono::seconds(5));
  auto took = std::chrono::steady_clock::now() - signalled;
  stop_load = true;
  for (auto& t : clients) t.join();

  BOOST_REQUIRE_MESSAGE(code.has_value(), "tutorbot still running 5 s after SIGTERM");
  BOOST_TEST(*code == 0);
  BOOST_TEST(cut_short.load() == 0);
  BOOST_TEST_MESSAGE("requests completed under load: " << completed.load() << ", stopped after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
}

BOOST_AUTO_TEST_CASE(a_10_mb_post_gets_413) {
  served_tutorbot svc;
  BOOST_REQUIRE(svc.ready(std::chrono::seconds(60)));
  testing::raw_connection c(svc.port);
  c.send("POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(10 * 1024 * 1024) + "\r\n\r\n");
  c.send(std::string(64 * 1024, 'x'));  // the start of the body, as a client streams it
  auto r = c.read_response();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 413);
  BOOST_TEST(r->body.find("body_too_large") != std::string::npos);
  svc.process.signal(SIGTERM);
  auto code = svc.process.wait_for_exit(std::chrono::seconds(5));
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0);
}

BOOST_AUTO_TEST_CASE(a_listen_port_in_use_ends_serve_with_1_within_5_s) {
  const auto port = testing::free_port();
  testing::listening_port taken(port);
  served_tutorbot svc(port);
  // Before, the failed start left the actors waiting on provider calls that no io thread
  // would ever finish: the process lingered for a minute.
  auto code = svc.process.wait_for_exit(std::chrono::seconds(5));
  BOOST_REQUIRE_MESSAGE(code.has_value(), "tutorbot still running 5 s after failing to listen; see " + svc.log_path);
  BOOST_TEST(*code == 1);
}

BOOST_AUTO_TEST_SUITE_END()
