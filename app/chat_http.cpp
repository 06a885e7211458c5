#include "app/chat_http.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

namespace tutorbot::app::chat {

struct blocking_http::impl {
  impl() : work(io.get_executor()), client(io), thread([this] { io.run(); }) {}
  ~impl() {
    client.shutdown();
    work.reset();
    io.stop();
    thread.join();
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  net::http_client client;
  std::thread thread;
};

blocking_http::blocking_http() : impl_(std::make_unique<impl>()) {}
blocking_http::~blocking_http() = default;

std::variant<net::client_response, std::string> blocking_http::call(const std::string& method, const std::string& url,
                                                                    std::string body, bool form) {
  net::client_request request;
  request.method = method;
  request.url = url;
  request.body = std::move(body);
  request.timeout = std::chrono::seconds(5);
  request.headers.push_back({"Accept", "application/json"});
  if (method == "POST")
    request.headers.push_back({"Content-Type", form ? "application/x-www-form-urlencoded" : "application/json"});
  std::promise<net::client_result> answered;
  auto answer = answered.get_future();
  impl_->client.send(std::move(request), [&answered](net::client_result r) { answered.set_value(std::move(r)); });
  auto result = answer.get();
  if (auto* e = std::get_if<net::client_error>(&result)) return std::string(net::to_string(e->kind)) + ": " + e->message;
  return std::get<net::client_response>(std::move(result));
}

std::string error_message(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (!ec && v.is_object())
    if (const auto* m = v.as_object().if_contains("message"); m && m->is_string()) return std::string(m->as_string());
  return body.substr(0, 200);
}

}  // namespace tutorbot::app::chat
