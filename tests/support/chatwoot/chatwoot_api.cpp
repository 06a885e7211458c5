#include "tests/support/chatwoot/chatwoot_api.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/support/raw_http.hpp"

namespace tutorbot::testing {

namespace json = boost::json;

std::string chatwoot_answer::header(const std::string& name) const {
  raw_response r;
  r.headers_text = headers_text;
  return r.header(name);
}

chatwoot_answer chatwoot_api::raw(const std::string& method, const std::string& target, const std::string& body,
                                  const std::string& headers) const {
  raw_connection conn(port_);
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
                        headers + "Connection: close\r\n";
  if (!body.empty() || method != "GET") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  conn.send(request);
  auto response = conn.read_response();
  if (!response) throw std::runtime_error("no response to " + method + " " + target);
  chatwoot_answer a;
  a.status = response->status;
  a.text = response->body;
  a.headers_text = response->headers_text;
  boost::system::error_code ec;
  auto parsed = json::parse(a.text, ec);
  if (!ec) a.body = std::move(parsed);
  return a;
}

std::string chatwoot_api::account_path(const std::string& path) const {
  return "/api/v1/accounts/" + std::to_string(account_) + path;
}

chatwoot_answer chatwoot_api::with_body(const std::string& method, const std::string& target,
                                        const json::value& body, bool token) const {
  std::string headers;
  if (token && !token_.empty()) headers += "api_access_token: " + token_ + "\r\n";
  if (body.is_null()) return raw(method, target, "", headers);
  return raw(method, target, json::serialize(body), headers + "Content-Type: application/json\r\n");
}

chatwoot_answer chatwoot_api::get(const std::string& path) const {
  return with_body("GET", account_path(path), nullptr, true);
}

chatwoot_answer chatwoot_api::post(const std::string& path, const json::value& body) const {
  return with_body("POST", account_path(path), body, true);
}

chatwoot_answer chatwoot_api::put(const std::string& path, const json::value& body) const {
  return with_body("PUT", account_path(path), body, true);
}

chatwoot_answer chatwoot_api::control(const std::string& method, const std::string& path,
                                      const json::value& body) const {
  return with_body(method, "/sandbox/chatwoot" + path, body, false);
}

std::int64_t chatwoot_api::open_conversation(const std::string& phone, const std::string& name) const {
  auto a = control("POST", "/conversations", json::object{{"phone", phone}, {"name", name}});
  if (a.status / 100 != 2) throw std::runtime_error("opening a conversation failed: " + a.text);
  return a.body.at("conversation_id").as_int64();
}

std::int64_t chatwoot_api::student_writes(std::int64_t conversation_id, const std::string& content) const {
  auto a = control("POST", "/conversations/" + std::to_string(conversation_id) + "/incoming",
                   json::object{{"content", content}});
  if (a.status != 200) throw std::runtime_error("the student's message failed: " + a.text);
  return a.body.at("message_id").as_int64();
}

}  // namespace tutorbot::testing
