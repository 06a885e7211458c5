// tutorbot's Chatwoot client and webhook parser against the protocol-faithful sandbox: a
// student's message arrives as a signed webhook the parser reads and acts on, replies and
// notes land in the conversation, the history pages back to a given id, labels, status,
// attributes and contacts change as Chatwoot changes them, and the sandbox's token rules
// (a bot token cannot list messages or update contacts) surface as typed errors.
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "net/chatwoot_client.hpp"
#include "net/chatwoot_json.hpp"
#include "net/chatwoot_signature.hpp"
#include "net/http_client.hpp"
#include "tests/support/chatwoot/fixture.hpp"

using namespace tutorbot;
using namespace std::chrono;
using testing::chatwoot_sandbox_fixture;

namespace {

// Our client on its own io_context thread, pointed at the fixture's sandbox.
class sandbox_client {
 public:
  sandbox_client(const testing::chatwoot_sandbox_server& server, bool with_user_token) : work_(io_.get_executor()) {
    http_ = std::make_unique<net::http_client>(io_);
    net::chatwoot_options options;
    options.base_url = server.base_url();
    options.account_id = testing::chatwoot_test_account;
    options.api_token = testing::chatwoot_test_bot_token;
    if (with_user_token) options.user_token = testing::chatwoot_test_user_token;
    options.backoff = {milliseconds{1}, milliseconds{8}, 3};
    options.attempt_timeout = milliseconds{3000};
    options.deadline = milliseconds{10000};
    client_ = std::make_unique<net::chatwoot_client>(io_, *http_, options);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~sandbox_client() {
    client_.reset();
    http_->shutdown();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Runs one client call and returns its answer, failing the test on an error.
  template <class T, class Call>
  T ok(Call call) {
    auto r = result<T>(call);
    if (auto* e = std::get_if<net::chatwoot_error>(&r))
      BOOST_FAIL("chatwoot error " + std::string(net::to_string(e->kind)) + ": " + e->message);
    return std::get<T>(r);
  }

  template <class T, class Call>
  net::chatwoot_result<T> result(Call call) {
    auto promise = std::make_shared<std::promise<net::chatwoot_result<T>>>();
    call(*client_, [promise](net::chatwoot_result<T> r) { promise->set_value(std::move(r)); });
    auto future = promise->get_future();
    if (future.wait_for(seconds{15}) != std::future_status::ready) throw std::runtime_error("no answer within 15 s");
    return future.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<net::http_client> http_;
  std::unique_ptr<net::chatwoot_client> client_;
  std::thread thread_;
};

net::chatwoot_outgoing_message text(std::string content, bool private_note = false) {
  net::chatwoot_outgoing_message m;
  m.content = std::move(content);
  m.private_note = private_note;
  return m;
}

// The webhooks received so far, parsed; fails the test on a parse error.
std::vector<net::chatwoot_event> parsed_webhooks(const std::vector<testing::received_chatwoot_webhook>& received) {
  std::vector<net::chatwoot_event> out;
  for (const auto& w : received) {
    auto r = net::parse_chatwoot_webhook(w.body);
    if (auto* e = std::get_if<net::chatwoot_parse_error>(&r)) BOOST_FAIL("webhook parse error: " + e->message);
    out.push_back(std::get<net::chatwoot_event>(r));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_client_sandbox)

BOOST_FIXTURE_TEST_CASE(a_student_message_arrives_signed_and_is_the_one_to_act_on, chatwoot_sandbox_fixture) {
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries", "sanne.devries@example.nl");
  auto written = sandbox.student_writes(opened.conversation_id, "Hoi, ik wil een proefles");
  BOOST_REQUIRE(written);
  auto received = receiver.wait_for(1);
  BOOST_REQUIRE(!received.empty());
  const auto& w = received.back();
  auto now = floor<seconds>(system_clock::now());
  BOOST_TEST(net::to_string(net::verify_chatwoot_signature(w.signature, w.timestamp, w.body,
                                                           testing::chatwoot_test_signing_secret, now)) == "valid");
  BOOST_TEST(w.token == testing::chatwoot_test_webhook_token);

  auto events = parsed_webhooks({w});
  const auto& e = events.at(0);
  BOOST_CHECK(e.kind == net::chatwoot_event_kind::message_created);
  BOOST_TEST(net::is_from_student(e));
  BOOST_TEST(e.message->id == written->message_id);
  BOOST_TEST(e.message->content == "Hoi, ik wil een proefles");
  BOOST_TEST(e.message->sender->phone_number == "+31612345678");
  BOOST_TEST(e.message->sender->email == "sanne.devries@example.nl");
  BOOST_TEST(e.conversation->id.value == opened.conversation_id);
  BOOST_TEST(e.conversation->account_id == testing::chatwoot_test_account);
  BOOST_TEST(e.conversation->channel == "Channel::Whatsapp");
  BOOST_TEST(e.conversation->contact_id == opened.contact_id);
}

BOOST_FIXTURE_TEST_CASE(an_older_chatwoots_sender_is_completed_from_the_conversation, chatwoot_sandbox_fixture) {
  sandbox.set_legacy_sender(true);
  auto opened = sandbox.open_conversation("+31687654321", "Daan Jansen", "daan@example.nl");
  BOOST_REQUIRE(sandbox.student_writes(opened.conversation_id, "Hallo"));
  auto events = parsed_webhooks(receiver.wait_for(1));
  BOOST_REQUIRE(!events.empty());
  const auto& e = events.back();
  BOOST_TEST(net::is_from_student(e));
  BOOST_TEST(e.message->sender->phone_number == "+31687654321");
  BOOST_TEST(e.message->sender->email == "daan@example.nl");
}

BOOST_FIXTURE_TEST_CASE(replies_and_notes_land_and_their_echoes_are_not_acted_on, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  BOOST_REQUIRE(sandbox.student_writes(opened.conversation_id, "hoi"));
  const domain::conversation_id c{opened.conversation_id};

  net::chatwoot_outgoing_message menu;
  menu.content = "Waarmee kan ik helpen?";
  menu.content_type = net::chatwoot_content_type::input_select;
  menu.items = {{"Proefles", "trial"}, {"Les boeken", "book"}, {"Mijn lessen", "lessons"}};
  auto reply = client.ok<net::chatwoot_created_message>([&](auto& cw, auto done) { cw.send_message(c, menu, done); });
  auto note = client.ok<net::chatwoot_created_message>(
      [&](auto& cw, auto done) { cw.send_message(c, text("Intake: havo 4, wiskunde B", true), done); });
  BOOST_TEST(reply.id > 0);
  BOOST_TEST(note.id > reply.id);

  auto t = sandbox.transcript(opened.conversation_id);
  BOOST_REQUIRE(t);
  BOOST_REQUIRE(t->messages.size() == 2u);  // the note never reaches WhatsApp
  BOOST_TEST(t->messages[1].from == "bot");
  BOOST_TEST(t->messages[1].options == (std::vector<std::string>{"Proefles", "Les boeken", "Mijn lessen"}));

  auto events = parsed_webhooks(receiver.wait_for(3));
  BOOST_REQUIRE(events.size() >= 3u);
  int acted_on = 0;
  for (const auto& e : events) acted_on += net::is_from_student(e) ? 1 : 0;
  BOOST_TEST(acted_on == 1);
}

BOOST_FIXTURE_TEST_CASE(the_history_after_a_seen_message_pages_back_to_it, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 45; ++i) {
    auto w = sandbox.student_writes(opened.conversation_id, "bericht " + std::to_string(i));
    BOOST_REQUIRE(w);
    ids.push_back(w->message_id);
  }
  const domain::conversation_id c{opened.conversation_id};
  auto after = client.ok<std::vector<net::chatwoot_message>>(
      [&](auto& cw, auto done) { cw.list_messages(c, ids[4], done); });
  BOOST_REQUIRE(after.size() == 40u);
  BOOST_TEST(after.front().id == ids[5]);
  BOOST_TEST(after.front().content == "bericht 5");
  BOOST_TEST(after.back().id == ids[44]);
  BOOST_CHECK(after.back().message_type == net::chatwoot_message_type::incoming);
  BOOST_CHECK(after.back().sender->type == net::chatwoot_sender_type::contact);

  auto all = client.ok<std::vector<net::chatwoot_message>>(
      [&](auto& cw, auto done) { cw.list_messages(c, std::nullopt, done); });
  BOOST_TEST(all.size() == 45u);
}

BOOST_FIXTURE_TEST_CASE(a_bot_token_cannot_list_messages_set_labels_or_update_contacts, chatwoot_sandbox_fixture) {
  sandbox_client client(server, false);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  const domain::conversation_id c{opened.conversation_id};
  auto list = client.result<std::vector<net::chatwoot_message>>(
      [&](auto& cw, auto done) { cw.list_messages(c, std::nullopt, done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_error>(list));
  BOOST_CHECK(std::get<net::chatwoot_error>(list).kind == net::chatwoot_error_kind::unauthorized);
  BOOST_TEST(std::get<net::chatwoot_error>(list).message == "Access to this endpoint is not authorized for bots");
  net::chatwoot_contact_update update;
  update.email = "sanne.devries@example.nl";
  auto contact = client.result<net::chatwoot_sender>(
      [&](auto& cw, auto done) { cw.update_contact(opened.contact_id, update, done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_error>(contact));
  BOOST_CHECK(std::get<net::chatwoot_error>(contact).kind == net::chatwoot_error_kind::unauthorized);
  auto labels = client.result<std::vector<std::string>>([&](auto& cw, auto done) { cw.set_labels(c, {"intake"}, done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_error>(labels));
  BOOST_CHECK(std::get<net::chatwoot_error>(labels).kind == net::chatwoot_error_kind::unauthorized);
}

BOOST_FIXTURE_TEST_CASE(labels_are_read_merged_and_written_whole, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  const domain::conversation_id c{opened.conversation_id};
  client.ok<std::vector<std::string>>([&](auto& cw, auto done) { cw.set_labels(c, {"intake"}, done); });
  auto current = client.ok<std::vector<std::string>>([&](auto& cw, auto done) { cw.get_labels(c, done); });
  BOOST_TEST(current == std::vector<std::string>{"intake"});
  current.push_back("awaiting-payment");
  auto kept = client.ok<std::vector<std::string>>([&](auto& cw, auto done) { cw.set_labels(c, current, done); });
  BOOST_TEST(kept.size() == 2u);
  auto t = sandbox.transcript(opened.conversation_id);
  BOOST_REQUIRE(t);
  BOOST_TEST(t->labels.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(handoff_opens_the_conversation_and_the_status_webhook_says_so, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  const domain::conversation_id c{opened.conversation_id};
  auto status = client.ok<net::chatwoot_status>(
      [&](auto& cw, auto done) { cw.toggle_status(c, net::chatwoot_status::open, done); });
  BOOST_CHECK(status == net::chatwoot_status::open);
  auto conversation = client.ok<net::chatwoot_conversation>([&](auto& cw, auto done) { cw.get_conversation(c, done); });
  BOOST_CHECK(conversation.status == net::chatwoot_status::open);
  BOOST_TEST(conversation.contact_id == opened.contact_id);

  BOOST_TEST(testing::eventually([&] {
    for (const auto& e : parsed_webhooks(receiver.received()))
      if (e.kind == net::chatwoot_event_kind::conversation_status_changed && e.conversation &&
          e.conversation->status == net::chatwoot_status::open)
        return true;
    return false;
  }));
}

BOOST_FIXTURE_TEST_CASE(conversation_attributes_are_replaced_and_read_back, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  const domain::conversation_id c{opened.conversation_id};
  client.ok<net::chatwoot_attributes>([&](auto& cw, auto done) {
    cw.set_conversation_attributes(c, {{"state", "intake"}, {"subject", "wiskunde"}}, done);
  });
  auto now_set = client.ok<net::chatwoot_attributes>(
      [&](auto& cw, auto done) { cw.set_conversation_attributes(c, {{"state", "awaiting_payment"}}, done); });
  BOOST_TEST(now_set.size() == 1u);  // replaced, not merged
  auto conversation = client.ok<net::chatwoot_conversation>([&](auto& cw, auto done) { cw.get_conversation(c, done); });
  BOOST_TEST(conversation.custom_attributes == (net::chatwoot_attributes{{"state", "awaiting_payment"}}));
}

BOOST_FIXTURE_TEST_CASE(contact_updates_merge_custom_attributes, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto opened = sandbox.open_conversation("+31612345678", "Sanne de Vries");
  net::chatwoot_contact_update first;
  first.email = "sanne.devries@example.nl";
  first.custom_attributes = {{"school_level", "havo"}};
  client.ok<net::chatwoot_sender>([&](auto& cw, auto done) { cw.update_contact(opened.contact_id, first, done); });
  net::chatwoot_contact_update second;
  second.custom_attributes = {{"year", "4"}};
  auto contact = client.ok<net::chatwoot_sender>(
      [&](auto& cw, auto done) { cw.update_contact(opened.contact_id, second, done); });
  BOOST_TEST(contact.id == opened.contact_id);
  BOOST_TEST(contact.email == "sanne.devries@example.nl");
  BOOST_TEST(contact.custom_attributes.at("school_level") == "havo");
  BOOST_TEST(contact.custom_attributes.at("year") == "4");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_conversation_is_not_found, chatwoot_sandbox_fixture) {
  sandbox_client client(server, true);
  auto r = client.result<net::chatwoot_created_message>(
      [&](auto& cw, auto done) { cw.send_message(domain::conversation_id{987654}, text("hallo"), done); });
  BOOST_REQUIRE(std::holds_alternative<net::chatwoot_error>(r));
  BOOST_CHECK(std::get<net::chatwoot_error>(r).kind == net::chatwoot_error_kind::not_found);
  BOOST_TEST(!std::get<net::chatwoot_error>(r).may_have_landed);
}

BOOST_AUTO_TEST_SUITE_END()
