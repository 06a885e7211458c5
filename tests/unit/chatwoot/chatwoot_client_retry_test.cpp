// The Chatwoot client against a scripted stand-in on loopback: what every request carries
// (path, api_access_token, JSON body), which token each endpoint gets, which answers are
// retried (429 always; 5xx and no answer for repeatable calls only) and which are final,
// that a message create that may have reached Chatwoot is never repeated, the backwards
// paging of the message list, and that tokens never reach an error. The sandbox tests are
// in chatwoot_client_sandbox_test.cpp; these pin the client's own decisions.
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/chatwoot_client.hpp"
#include "net/http_client.hpp"
#include "tests/support/scripted_server.hpp"

using namespace tutorbot;
using namespace std::chrono;
namespace json = boost::json;

namespace {

constexpr const char* bot_token = "bot-Xk2v9QmTutorbotNeverLogMe";
constexpr const char* user_token = "agent-Lp7w3RsTutorbotNeverLogMe";
constexpr std::int64_t account = 3;
const domain::conversation_id conversation{4417};

const std::string created_json = R"({"id": 88200, "content": "Welkom!", "inbox_id": 7, "echo_id": null,
  "conversation_id": 4417, "message_type": 1, "content_type": "text", "content_attributes": {},
  "created_at": 1772702110, "private": false, "sender": {"id": 2, "name": "tutorbot", "avatar_url": "", "type": "agent_bot"}})";

using testing::scripted_answer;

scripted_answer answer(int status, std::string body) { return {net::server_response::json(status, std::move(body))}; }

// Answers every Chatwoot route tutorbot uses from a script.
class scripted_chatwoot : public testing::scripted_server {
 public:
  explicit scripted_chatwoot(script_fn script) : scripted_server(routes(), std::move(script)) {}

 private:
  static std::vector<route> routes() {
    const std::string c = "/api/v1/accounts/{account}/conversations/{id}";
    return {{"POST", c + "/messages"},      {"GET", c + "/messages"},
            {"GET", c + "/labels"},         {"POST", c + "/labels"},
            {"POST", c + "/toggle_status"}, {"POST", c + "/custom_attributes"},
            {"GET", c},                     {"PUT", "/api/v1/accounts/{account}/contacts/{id}"}};
  }
};

struct env_settings {
  int max_attempts = 4;
  milliseconds attempt_timeout{3000};
  milliseconds deadline{10000};
  std::string user_token = {};
  int max_pages = 50;
};

// Our client on its own io_context thread, with fast retries.
class client_env {
 public:
  explicit client_env(std::string base_url, env_settings s = {}) : work_(io_.get_executor()) {
    http_ = std::make_unique<net::http_client>(io_);
    net::chatwoot_options options;
    options.base_url = std::move(base_url) + "/";  // a trailing slash is tolerated
    options.account_id = account;
    options.api_token = bot_token;
    options.user_token = s.user_token;
    options.backoff = {milliseconds{1}, milliseconds{8}, s.max_attempts};
    options.attempt_timeout = s.attempt_timeout;
    options.deadline = s.deadline;
    options.max_message_pages = s.max_pages;
    client_ = std::make_unique<net::chatwoot_client>(io_, *http_, options);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~client_env() {
    client_.reset();
    http_->shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  net::chatwoot_client& client() { return *client_; }

  template <class Result, class Call>
  Result await(Call call) {
    auto promise = std::make_shared<std::promise<Result>>();
    call([promise](Result r) { promise->set_value(std::move(r)); });
    auto future = promise->get_future();
    if (future.wait_for(seconds{15}) != std::future_status::ready) throw std::runtime_error("no answer within 15 s");
    return future.get();
  }

  net::chatwoot_result<net::chatwoot_created_message> send(net::chatwoot_outgoing_message m) {
    return await<net::chatwoot_result<net::chatwoot_created_message>>(
        [&](auto done) { client_->send_message(conversation, m, done); });
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<net::http_client> http_;
  std::unique_ptr<net::chatwoot_client> client_;
  std::thread thread_;
};

net::chatwoot_outgoing_message welcome() {
  net::chatwoot_outgoing_message m;
  m.content = "Welkom!";
  return m;
}

template <class T>
net::chatwoot_error error_of(const net::chatwoot_result<T>& r) {
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_error>(r));
  return std::get<net::chatwoot_error>(r);
}

json::object body_of(const net::server_request& r) { return json::parse(r.body).as_object(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_client_requests)

BOOST_AUTO_TEST_CASE(send_message_posts_json_with_the_bot_token_and_answers_the_id) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(200, created_json); });
  client_env env(chatwoot.base_url(), {.user_token = user_token});
  auto result = env.send(welcome());
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_created_message>(result));
  BOOST_TEST(std::get<net::chatwoot_created_message>(result).id == 88200);
  BOOST_CHECK(std::get<net::chatwoot_created_message>(result).created_at == sys_seconds{seconds{1772702110}});

  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 1u);
  const auto& r = requests[0];
  BOOST_TEST(r.method == "POST");
  BOOST_TEST(r.path == "/api/v1/accounts/3/conversations/4417/messages");
  // Messages are bot-accessible: the bot token, even with a user token configured.
  BOOST_TEST(r.header("api_access_token").value_or("") == bot_token);
  BOOST_TEST(r.header("Content-Type").value_or("").starts_with("application/json"));
  auto body = body_of(r);
  BOOST_TEST(body.at("content").as_string() == "Welkom!");
  BOOST_TEST(body.at("message_type").as_string() == "outgoing");
  BOOST_TEST(body.at("private").as_bool() == false);
}

BOOST_AUTO_TEST_CASE(labels_messages_conversation_and_contacts_use_the_user_token_when_set) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) {
    if (r.path.ends_with("/labels")) return answer(200, R"({"payload": ["booked"]})");
    if (r.path.ends_with("/messages")) return answer(200, R"({"meta": {}, "payload": []})");
    if (r.path.find("/contacts/") != std::string::npos) return answer(200, R"({"payload": {"id": 5210, "name": "Sanne"}})");
    return answer(200, R"({"id": 4417, "status": "open", "labels": [], "meta": {"sender": {"id": 5210}}})");
  });
  client_env env(chatwoot.base_url(), {.user_token = user_token});
  using labels_result = net::chatwoot_result<std::vector<std::string>>;
  env.await<labels_result>([&](auto done) { env.client().get_labels(conversation, done); });
  env.await<labels_result>([&](auto done) { env.client().set_labels(conversation, {"booked"}, done); });
  env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, std::nullopt, done); });
  env.await<net::chatwoot_result<net::chatwoot_conversation>>(
      [&](auto done) { env.client().get_conversation(conversation, done); });
  net::chatwoot_contact_update update;
  update.email = "sanne.devries@example.nl";
  env.await<net::chatwoot_result<net::chatwoot_sender>>(
      [&](auto done) { env.client().update_contact(5210, update, done); });
  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 5u);
  for (const auto& r : requests) BOOST_TEST(r.header("api_access_token").value_or("") == user_token);
}

BOOST_AUTO_TEST_CASE(without_a_user_token_every_call_uses_the_api_token) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(200, R"({"payload": []})"); });
  client_env env(chatwoot.base_url());
  env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().get_labels(conversation, done); });
  BOOST_TEST(chatwoot.requests().at(0).header("api_access_token").value_or("") == bot_token);
}

BOOST_AUTO_TEST_CASE(set_labels_posts_the_whole_list_and_answers_what_chatwoot_kept) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(200, R"({"payload": ["booked", "paid"]})"); });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().set_labels(conversation, {"paid", "booked", "no-such-label"}, done); });
  BOOST_REQUIRE(std::holds_alternative<std::vector<std::string>>(result));
  BOOST_TEST(std::get<std::vector<std::string>>(result) == (std::vector<std::string>{"booked", "paid"}));
  auto r = chatwoot.requests().at(0);
  BOOST_TEST(r.path == "/api/v1/accounts/3/conversations/4417/labels");
  BOOST_TEST(r.body == R"({"labels":["paid","booked","no-such-label"]})");
}

BOOST_AUTO_TEST_CASE(toggle_status_and_custom_attributes_send_their_bodies) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) {
    if (r.path.ends_with("/toggle_status"))
      return answer(200, R"({"meta": {}, "payload": {"success": true, "conversation_id": 4417, "current_status": "open"}})");
    return answer(200, R"({"custom_attributes": {"order_id": "7f3c", "state": "awaiting_payment"}})");
  });
  client_env env(chatwoot.base_url());
  auto status = env.await<net::chatwoot_result<net::chatwoot_status>>(
      [&](auto done) { env.client().toggle_status(conversation, net::chatwoot_status::open, done); });
  BOOST_CHECK(std::get<net::chatwoot_status>(status) == net::chatwoot_status::open);
  auto attributes = env.await<net::chatwoot_result<net::chatwoot_attributes>>([&](auto done) {
    env.client().set_conversation_attributes(conversation, {{"order_id", "7f3c"}, {"state", "awaiting_payment"}}, done);
  });
  BOOST_TEST(std::get<net::chatwoot_attributes>(attributes).at("state") == "awaiting_payment");
  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(requests[0].path == "/api/v1/accounts/3/conversations/4417/toggle_status");
  BOOST_TEST(requests[0].body == R"({"status":"open"})");
  BOOST_TEST(requests[1].path == "/api/v1/accounts/3/conversations/4417/custom_attributes");
  BOOST_TEST(requests[1].body == R"({"custom_attributes":{"order_id":"7f3c","state":"awaiting_payment"}})");
}

BOOST_AUTO_TEST_CASE(update_contact_puts_only_the_given_fields) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return answer(200, R"({"payload": {"id": 5210, "name": "Sanne de Vries", "email": "sanne.devries@example.nl",
      "phone_number": "+31612345678", "custom_attributes": {"school_level": "havo", "year": "4"}}})");
  });
  client_env env(chatwoot.base_url(), {.user_token = user_token});
  net::chatwoot_contact_update update;
  update.name = "Sanne de Vries";
  update.custom_attributes = {{"school_level", "havo"}};
  auto result = env.await<net::chatwoot_result<net::chatwoot_sender>>(
      [&](auto done) { env.client().update_contact(5210, update, done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_sender>(result));
  BOOST_TEST(std::get<net::chatwoot_sender>(result).custom_attributes.at("year") == "4");
  auto r = chatwoot.requests().at(0);
  BOOST_TEST(r.method == "PUT");
  BOOST_TEST(r.path == "/api/v1/accounts/3/contacts/5210");
  BOOST_TEST(r.body == R"({"name":"Sanne de Vries","custom_attributes":{"school_level":"havo"}})");
}

BOOST_AUTO_TEST_CASE(get_conversation_reads_status_labels_contact_and_attributes) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return answer(200, R"({"meta": {"sender": {"id": 5210, "name": "Sanne de Vries", "phone_number": "+31612345678"},
      "channel": "Channel::Whatsapp"}, "id": 4417, "account_id": 3, "inbox_id": 7, "status": "pending",
      "labels": ["handoff"], "custom_attributes": {"state": "handoff"}, "messages": []})");
  });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<net::chatwoot_conversation>>(
      [&](auto done) { env.client().get_conversation(conversation, done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_conversation>(result));
  const auto& c = std::get<net::chatwoot_conversation>(result);
  BOOST_CHECK(c.status == net::chatwoot_status::pending);
  BOOST_TEST(c.contact_id == 5210);
  BOOST_TEST(c.labels == std::vector<std::string>{"handoff"});
  BOOST_TEST(c.custom_attributes.at("state") == "handoff");
  BOOST_TEST(chatwoot.requests().at(0).path == "/api/v1/accounts/3/conversations/4417");
}

BOOST_AUTO_TEST_CASE(requests_we_cannot_send_are_refused_without_a_call) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(200, created_json); });
  client_env env(chatwoot.base_url());
  net::chatwoot_outgoing_message select;
  select.content = "Kies een dag";
  select.content_type = net::chatwoot_content_type::input_select;
  auto e = error_of(env.send(select));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::invalid_request);
  BOOST_TEST(e.http_status == 0);
  BOOST_TEST(e.message == "send message: an input_select message needs at least one item");
  auto no_conversation = env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().get_labels(domain::conversation_id{0}, done); });
  BOOST_CHECK(error_of(no_conversation).kind == net::chatwoot_error_kind::invalid_request);
  auto nothing = env.await<net::chatwoot_result<net::chatwoot_sender>>(
      [&](auto done) { env.client().update_contact(5210, {}, done); });
  BOOST_TEST(error_of(nothing).message == "update contact: nothing to update");
  BOOST_TEST(chatwoot.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chatwoot_client_retries)

BOOST_AUTO_TEST_CASE(rate_limited_create_is_retried_with_the_same_body) {
  scripted_chatwoot chatwoot([](const net::server_request&, int n) {
    if (n < 2) return scripted_answer{net::server_response::text(429, "Retry later\n", "text/plain")};
    return answer(200, created_json);
  });
  client_env env(chatwoot.base_url());
  auto result = env.send(welcome());
  BOOST_TEST(std::holds_alternative<net::chatwoot_created_message>(result));
  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 3u);
  for (const auto& r : requests) BOOST_TEST(r.body == requests[0].body);
}

BOOST_AUTO_TEST_CASE(a_create_answered_5xx_is_not_repeated_and_may_have_landed) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return answer(500, R"({"status": 500, "error": "Internal Server Error"})");
  });
  client_env env(chatwoot.base_url());
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::server);
  BOOST_TEST(e.http_status == 500);
  BOOST_TEST(e.may_have_landed);
  BOOST_TEST(chatwoot.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_create_that_times_out_is_not_repeated_and_may_have_landed) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return scripted_answer{net::server_response::json(200, created_json), milliseconds{1500}};
  });
  client_env env(chatwoot.base_url(), {.attempt_timeout = milliseconds{200}});
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::transport);
  BOOST_TEST(e.may_have_landed);
  BOOST_TEST(chatwoot.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_create_cut_off_by_the_deadline_may_have_landed) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return scripted_answer{net::server_response::json(200, created_json), milliseconds{1500}};
  });
  client_env env(chatwoot.base_url(), {.attempt_timeout = milliseconds{3000}, .deadline = milliseconds{200}});
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::deadline || e.kind == net::chatwoot_error_kind::transport);
  BOOST_TEST(e.may_have_landed);
  BOOST_TEST(chatwoot.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_create_that_could_not_connect_is_retried_and_never_landed) {
  std::string closed_base;
  {
    scripted_chatwoot gone([](const net::server_request&, int) { return answer(200, created_json); });
    closed_base = gone.base_url();
  }  // nothing listens on that port any more
  client_env env(closed_base, {.max_attempts = 3});
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::transport);
  BOOST_TEST(e.http_status == 0);
  BOOST_TEST(!e.may_have_landed);
}

BOOST_AUTO_TEST_CASE(repeatable_calls_are_retried_on_5xx_and_timeouts) {
  scripted_chatwoot chatwoot([](const net::server_request&, int n) {
    if (n == 0) return answer(503, "<html>503 Service Unavailable</html>");
    if (n == 1) return scripted_answer{net::server_response::json(200, R"({"payload": ["late"]})"), milliseconds{4000}};
    return answer(200, R"({"payload": ["booked"]})");
  });
  // Quick answers fit the attempt's time on a loaded machine too; only the late one does not.
  client_env env(chatwoot.base_url(), {.attempt_timeout = milliseconds{1000}});
  auto result = env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().set_labels(conversation, {"booked"}, done); });
  BOOST_REQUIRE(std::holds_alternative<std::vector<std::string>>(result));
  BOOST_TEST(std::get<std::vector<std::string>>(result) == std::vector<std::string>{"booked"});
  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 3u);
  BOOST_TEST(requests[2].body == requests[0].body);
}

BOOST_AUTO_TEST_CASE(persistent_server_errors_stop_after_the_attempt_bound) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(502, "<html>Bad Gateway</html>"); });
  client_env env(chatwoot.base_url(), {.max_attempts = 3});
  auto e = error_of(env.await<net::chatwoot_result<net::chatwoot_status>>(
      [&](auto done) { env.client().toggle_status(conversation, net::chatwoot_status::pending, done); }));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::server);
  BOOST_TEST(e.message == "Chatwoot answered HTTP 502");
  BOOST_TEST(!e.may_have_landed);
  BOOST_TEST(chatwoot.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(deadline_ends_a_call_that_keeps_failing_and_names_the_last_error) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(500, R"({"error": "boom"})"); });
  // Long enough for at least one answer even on a loaded machine (CI builds beside the tests).
  client_env env(chatwoot.base_url(), {.max_attempts = 1000000, .deadline = milliseconds{2000}});
  auto e = error_of(env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().get_labels(conversation, done); }));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::deadline);
  BOOST_TEST(e.message.find("last error: server 500: boom") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(client_errors_surface_chatwoots_message_at_once) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) {
    if (r.path.ends_with("/messages")) return answer(422, R"({"error": "Conversation is not in a state to reply"})");
    if (r.path.ends_with("/labels")) return answer(401, R"({"error": "Access to this endpoint is not authorized for bots"})");
    if (r.path.find("/contacts/") != std::string::npos)
      return answer(422, R"({"message": "Phone number should be in e164 format", "attributes": ["phone_number"]})");
    return answer(404, R"({"error": "Resource could not be found"})");
  });
  client_env env(chatwoot.base_url());
  auto create = error_of(env.send(welcome()));
  BOOST_CHECK(create.kind == net::chatwoot_error_kind::invalid_request);
  BOOST_TEST(create.http_status == 422);
  BOOST_TEST(create.message == "Conversation is not in a state to reply");
  BOOST_TEST(!create.may_have_landed);
  auto labels = error_of(env.await<net::chatwoot_result<std::vector<std::string>>>(
      [&](auto done) { env.client().get_labels(conversation, done); }));
  BOOST_CHECK(labels.kind == net::chatwoot_error_kind::unauthorized);
  BOOST_TEST(labels.message == "Access to this endpoint is not authorized for bots");
  net::chatwoot_contact_update update;
  update.phone_number = "0612345678";
  auto contact = error_of(env.await<net::chatwoot_result<net::chatwoot_sender>>(
      [&](auto done) { env.client().update_contact(5210, update, done); }));
  BOOST_TEST(contact.message == "Phone number should be in e164 format");
  auto missing = error_of(env.await<net::chatwoot_result<net::chatwoot_conversation>>(
      [&](auto done) { env.client().get_conversation(domain::conversation_id{9999}, done); }));
  BOOST_CHECK(missing.kind == net::chatwoot_error_kind::not_found);
  BOOST_TEST(chatwoot.requests().size() == 4u);
}

BOOST_AUTO_TEST_CASE(an_echoed_token_never_reaches_the_error) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) {
    return answer(401, std::string(R"({"error": "Invalid Access Token )") + bot_token + " / " + user_token + R"("})");
  });
  client_env env(chatwoot.base_url(), {.user_token = user_token});
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::unauthorized);
  BOOST_TEST(e.message == "Invalid Access Token *** / ***");
}

BOOST_AUTO_TEST_CASE(a_2xx_we_cannot_read_is_a_bad_response_and_a_create_landed) {
  scripted_chatwoot chatwoot([](const net::server_request&, int) { return answer(200, R"({"content": "no id"})"); });
  client_env env(chatwoot.base_url());
  auto e = error_of(env.send(welcome()));
  BOOST_CHECK(e.kind == net::chatwoot_error_kind::bad_response);
  BOOST_TEST(e.may_have_landed);
  BOOST_TEST(chatwoot.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chatwoot_client_message_paging)

namespace {

// A conversation of messages `first`..`last` answered the way MessageFinder pages: the
// latest 20 without a parameter, the 20 before ?before=<id>, oldest first within a page.
scripted_answer history_page(const net::server_request& r, std::int64_t first, std::int64_t last) {
  std::int64_t before = last + 1;
  if (auto b = r.query_param("before")) before = std::stoll(*b);
  std::int64_t to = std::min(before - 1, last), from = std::max(first, to - 19);
  json::array payload;
  for (std::int64_t id = from; id <= to; ++id)
    payload.push_back(json::object{{"id", id}, {"content", "m" + std::to_string(id)}, {"conversation_id", 4417},
                                   {"message_type", id % 2}, {"created_at", 1772700000 + id}, {"private", false}});
  json::object body{{"meta", json::object{{"labels", json::array{}}, {"contact", json::object{{"id", 5210}}}}},
                    {"payload", std::move(payload)}};
  return answer(200, json::serialize(body));
}

std::vector<std::int64_t> ids_of(const net::chatwoot_result<std::vector<net::chatwoot_message>>& r) {
  BOOST_REQUIRE(std::holds_alternative<std::vector<net::chatwoot_message>>(r));
  std::vector<std::int64_t> ids;
  for (const auto& m : std::get<std::vector<net::chatwoot_message>>(r)) ids.push_back(m.id);
  return ids;
}

std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out;
  for (auto i = from; i <= to; ++i) out.push_back(i);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(messages_after_an_id_page_back_until_that_id) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) { return history_page(r, 101, 145); });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, 110, done); });
  BOOST_TEST(ids_of(result) == range(111, 145));
  auto requests = chatwoot.requests();
  BOOST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(!requests[0].query_param("before").has_value());
  BOOST_TEST(requests[1].query_param("before").value_or("") == "126");
  BOOST_TEST(requests[1].path == "/api/v1/accounts/3/conversations/4417/messages");
}

BOOST_AUTO_TEST_CASE(messages_after_the_newest_id_are_none_after_one_request) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) { return history_page(r, 101, 145); });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, 145, done); });
  BOOST_TEST(ids_of(result).empty());
  BOOST_TEST(chatwoot.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(without_an_id_the_whole_conversation_is_read_oldest_first) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) { return history_page(r, 101, 145); });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, std::nullopt, done); });
  BOOST_TEST(ids_of(result) == range(101, 145));
  BOOST_TEST(chatwoot.requests().size() == 4u);  // 126-145, 106-125, 101-105, then an empty page
}

BOOST_AUTO_TEST_CASE(the_page_bound_keeps_the_newest_messages) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) { return history_page(r, 101, 145); });
  client_env env(chatwoot.base_url(), {.max_pages = 2});
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, std::nullopt, done); });
  BOOST_TEST(ids_of(result) == range(106, 145));
  BOOST_TEST(chatwoot.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_server_that_ignores_before_is_a_bad_response_not_a_loop) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) {
    net::server_request latest = r;
    latest.query.clear();
    return history_page(latest, 101, 145);
  });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, 100, done); });
  BOOST_CHECK(error_of(result).kind == net::chatwoot_error_kind::bad_response);
  BOOST_TEST(chatwoot.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failing_page_fails_the_whole_list) {
  scripted_chatwoot chatwoot([](const net::server_request& r, int) {
    if (r.query_param("before")) return answer(404, R"({"error": "Resource could not be found"})");
    return history_page(r, 101, 145);
  });
  client_env env(chatwoot.base_url());
  auto result = env.await<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      [&](auto done) { env.client().list_messages(conversation, 100, done); });
  BOOST_CHECK(error_of(result).kind == net::chatwoot_error_kind::not_found);
}

BOOST_AUTO_TEST_SUITE_END()
