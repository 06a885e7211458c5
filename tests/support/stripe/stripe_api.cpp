#include "tests/support/stripe/stripe_api.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>

#include "tests/support/raw_http.hpp"

namespace tutorbot::testing {

namespace json = boost::json;

std::string stripe_answer::header(const std::string& name) const {
  raw_response r;
  r.headers_text = headers_text;
  return r.header(name);
}

std::string stripe_answer::error(const std::string& field) const {
  if (!body.is_object()) return {};
  const auto* e = body.as_object().if_contains("error");
  if (!e || !e->is_object()) return {};
  const auto* v = e->as_object().if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

stripe_answer stripe_api::raw(const std::string& method, const std::string& target, const std::string& body,
                              const std::string& headers) const {
  raw_connection conn(port_);
  // Host with the port, as every real client sends it: the sandbox builds page URLs from it.
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
                        headers + "Connection: close\r\n";
  if (!body.empty() || method == "POST") request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  conn.send(request);
  auto response = conn.read_response();
  if (!response) throw std::runtime_error("no response to " + method + " " + target);
  stripe_answer a;
  a.status = response->status;
  a.text = response->body;
  a.headers_text = response->headers_text;
  boost::system::error_code ec;
  auto parsed = json::parse(a.text, ec);
  if (!ec) a.body = std::move(parsed);
  return a;
}

stripe_answer stripe_api::post(const std::string& path, const net::form_fields& fields,
                               const std::string& idempotency_key, const std::string& extra_headers) const {
  std::string headers = "Authorization: Bearer " + key_ +
                        "\r\nContent-Type: application/x-www-form-urlencoded\r\nStripe-Version: 2026-10-28.endive\r\n";
  if (!idempotency_key.empty()) headers += "Idempotency-Key: " + idempotency_key + "\r\n";
  return raw("POST", path, net::encode_form(fields), headers + extra_headers);
}

stripe_answer stripe_api::get(const std::string& path, const net::form_fields& query,
                              const std::string& extra_headers) const {
  const std::string target = query.empty() ? path : path + "?" + net::encode_form(query);
  return raw("GET", target, "", "Authorization: Bearer " + key_ + "\r\n" + extra_headers);
}

stripe_answer stripe_api::press(const std::string& session_id, const std::string& action,
                                const net::form_fields& form) const {
  return raw("POST", "/checkout/" + session_id + "/" + action, net::encode_form(form),
             "Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n");
}

json::object stripe_api::create_session(const net::form_fields& extra) const {
  auto form = lesson_session_form();
  form.insert(form.end(), extra.begin(), extra.end());
  auto a = post("/v1/checkout/sessions", form);
  if (a.status != 200 || !a.body.is_object())
    throw std::runtime_error("creating a session failed: " + std::to_string(a.status) + " " + a.text);
  return a.body.as_object();
}

std::vector<std::string> stripe_api::event_types(const net::form_fields& filter) const {
  auto query = filter;
  query.emplace_back("limit", "100");
  auto a = get("/v1/events", query);
  if (a.status != 200) throw std::runtime_error("listing events failed: " + a.text);
  std::vector<std::string> types;
  for (const auto& e : a.body.at("data").as_array()) types.emplace_back(e.at("type").as_string());
  return types;
}

net::form_fields lesson_session_form(std::int64_t unit_amount) {
  return {{"mode", "payment"},
          {"line_items[0][price_data][currency]", "eur"},
          {"line_items[0][price_data][unit_amount]", std::to_string(unit_amount)},
          {"line_items[0][price_data][product_data][name]", "Wiskunde 60 min"},
          {"line_items[0][quantity]", "1"},
          {"payment_method_types[0]", "ideal"},
          {"payment_method_types[1]", "card"},
          {"metadata[order_id]", "order-42"},
          {"client_reference_id", "booking-7"},
          {"success_url", "https://example.com/paid?session={CHECKOUT_SESSION_ID}"},
          {"cancel_url", "https://example.com/cancel"}};
}

}  // namespace tutorbot::testing
