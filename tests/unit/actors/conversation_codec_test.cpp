#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "actors/conversation_codec.hpp"
#include "db/outbox.hpp"
#include "domain/whatsapp_text.hpp"

using namespace tutorbot;
namespace json = boost::json;

namespace {

db::conversation_event stored(const char* kind, std::string payload) { return {1, 42, kind, std::move(payload)}; }

net::chatwoot_message student_message() {
  net::chatwoot_message m;
  m.id = 7001;
  m.content = "Hoi";
  m.message_type = net::chatwoot_message_type::incoming;
  net::chatwoot_sender sender;
  sender.id = 55;
  sender.name = "Sanne de Vries";
  sender.email = "sanne@example.nl";
  sender.phone_number = "+31612345678";
  sender.custom_attributes["level"] = "havo 4";
  sender.additional_attributes["locale"] = "en";
  m.sender = sender;
  return m;
}

db::conversation_event payment(const std::string& news, json::object extra = {}) {
  extra["event"] = news;
  extra["order_id"] = "o-1";
  return stored(db::conversation_event_kind::payment, json::serialize(extra));
}

json::object payload_of(const db::outbox_work& w) { return json::parse(w.payload).as_object(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(conversation_codec)

BOOST_AUTO_TEST_CASE(a_stored_student_message_decodes_to_its_text_and_contact) {
  auto d = actors::decode(stored(db::conversation_event_kind::message, actors::student_message_payload(student_message(), 3)));
  BOOST_REQUIRE(d.event);
  BOOST_TEST(std::get<domain::text_received>(*d.event).text == "Hoi");
  BOOST_TEST(d.incoming);
  BOOST_TEST(d.message_id.value_or(0) == 7001);
  BOOST_TEST(d.account_id == 3);
  BOOST_TEST(d.contact_id.value_or(0) == 55);
  BOOST_TEST(d.contact.name.value_or("") == "Sanne de Vries");
  BOOST_TEST(d.contact.email.value_or("") == "sanne@example.nl");
  BOOST_TEST(d.contact.phone.value_or("") == "+31612345678");
  BOOST_TEST(d.contact.locale.value_or("") == "en");
  BOOST_TEST(d.contact.attributes.at("level") == "havo 4");
}

BOOST_AUTO_TEST_CASE(a_message_with_only_an_attachment_is_an_unsupported_one_of_its_type) {
  auto m = student_message();
  m.content.clear();
  m.attachments.push_back({1, "audio", "https://example.nl/a.ogg"});
  auto d = actors::decode(stored(db::conversation_event_kind::message, actors::student_message_payload(m, 3)));
  BOOST_REQUIRE(d.event);
  BOOST_TEST(std::get<domain::unsupported_received>(*d.event).kind == "audio");
}

BOOST_AUTO_TEST_CASE(a_photo_with_a_caption_is_its_caption_with_the_photo_noted) {
  auto m = student_message();
  m.content = "Deze opgave snap ik niet";
  m.attachments.push_back({1, "image", "https://example.nl/p.jpg"});
  auto d = actors::decode(stored(db::conversation_event_kind::message, actors::student_message_payload(m, 3)));
  BOOST_REQUIRE(d.event);
  const auto& text = std::get<domain::text_received>(*d.event);
  BOOST_TEST(text.text == "Deze opgave snap ik niet");
  BOOST_TEST(text.attachment == "image");
  BOOST_TEST(d.incoming);
}

BOOST_AUTO_TEST_CASE(a_refused_message_of_the_bot_decodes_with_its_options_numbered_and_is_not_the_student_s) {
  net::chatwoot_message m;
  m.id = 9001;
  m.content = "Hoe lang moet de les duren?";
  m.message_type = net::chatwoot_message_type::outgoing;
  m.option_titles = {"60 min", "90 min"};
  m.external_error = "131047: Re-engagement message";
  auto d = actors::decode(stored(db::conversation_event_kind::delivery_failed, actors::refused_message_payload(m, 3)));
  BOOST_REQUIRE(d.event);
  const auto& refused = std::get<domain::message_refused>(*d.event);
  BOOST_TEST(refused.content == domain::make_quick_reply(m.content, m.option_titles).numbered_text);
  BOOST_TEST(refused.error == "131047: Re-engagement message");
  BOOST_TEST(!refused.was_template);
  BOOST_TEST(!d.incoming);  // the window does not open again: the student wrote nothing
  m.whatsapp_template = true;
  auto again = actors::decode(stored(db::conversation_event_kind::delivery_failed, actors::refused_message_payload(m, 3)));
  BOOST_TEST(std::get<domain::message_refused>(*again.event).was_template);
}

BOOST_AUTO_TEST_CASE(resolving_or_handing_back_ends_the_handoff_and_other_statuses_mean_nothing) {
  for (auto status : {net::chatwoot_status::resolved, net::chatwoot_status::pending}) {
    auto d = actors::decode(stored(db::conversation_event_kind::status, actors::status_payload(status, 3)));
    BOOST_REQUIRE(d.event);
    BOOST_TEST(std::holds_alternative<domain::handoff_ended>(*d.event));
    BOOST_TEST(!d.incoming);
  }
  BOOST_TEST(!actors::decode(stored(db::conversation_event_kind::status,
                                    actors::status_payload(net::chatwoot_status::open, 3))).event);
}

BOOST_AUTO_TEST_CASE(every_payment_news_decodes_to_its_dialogue_event) {
  BOOST_TEST(std::holds_alternative<domain::payment_succeeded>(*actors::decode(payment("payment_succeeded")).event));
  BOOST_TEST(std::holds_alternative<domain::payment_failed>(*actors::decode(payment("payment_failed")).event));
  BOOST_TEST(std::holds_alternative<domain::payment_expired>(*actors::decode(payment("payment_expired")).event));
  auto refund = actors::decode(payment("refund_done", {{"amount_cents", 4500}}));
  BOOST_TEST(std::get<domain::refund_done>(*refund.event).amount.value == 4500);
  auto cancelled = actors::decode(payment("booking_cancelled", {{"booking_id", "b-1"}}));
  BOOST_TEST(std::get<domain::booking_cancelled>(*cancelled.event).id.value == "b-1");
  auto confirmed = actors::decode(
      payment("booking_confirmed", {{"booking_id", "b-2"}, {"tutor_id", "anouk"}, {"start", 1800000000}, {"end", 1800003600}}));
  const auto& c = std::get<domain::booking_confirmed>(*confirmed.event);
  BOOST_TEST(c.id.value == "b-2");
  BOOST_TEST(c.slot.tutor.value == "anouk");
  BOOST_TEST(c.slot.slot.start.time_since_epoch().count() == 1800000000);
  BOOST_TEST(c.slot.slot.end.time_since_epoch().count() == 1800003600);
  // Every name the payment side writes is one the conversation reads.
  for (auto news : {db::payment_news::payment_succeeded, db::payment_news::payment_failed, db::payment_news::payment_expired,
                    db::payment_news::refund_done, db::payment_news::booking_cancelled, db::payment_news::booking_confirmed})
    BOOST_TEST(actors::decode(payment(std::string(db::to_string(news)))).event.has_value(), db::to_string(news));
}

BOOST_AUTO_TEST_CASE(unknown_news_and_unreadable_payloads_mean_nothing) {
  BOOST_TEST(!actors::decode(payment("payment_teleported")).event);
  BOOST_TEST(!actors::decode(stored(db::conversation_event_kind::message, "{not json")).event);
  BOOST_TEST(!actors::decode(stored(db::conversation_event_kind::message, "[1,2]")).event);
  BOOST_TEST(!actors::decode(stored("other", "{}")).event);
}

BOOST_AUTO_TEST_CASE(outward_effects_become_ordered_chatwoot_work_and_the_others_do_not) {
  std::vector<db::outbox_work> work;
  const std::optional<long long> contact = 55;
  std::vector<domain::effect> effects{domain::send_text{"Kies een tijd", {"ma 14:00", "Meer tijden"}},
                                      domain::private_note{"Intake: havo 4"},
                                      domain::add_labels{{"booked"}},
                                      domain::remove_labels{{"awaiting-payment"}},
                                      domain::set_contact_attributes{{{"level", "havo 4"}}},
                                      domain::hand_off{"asked for a person"},
                                      domain::send_template{"Je les staat vast."}};
  for (const auto& e : effects) {
    BOOST_TEST(actors::is_outward(e));
    actors::append_outbox_work(work, 42, contact, e);
  }
  BOOST_TEST(!actors::is_outward(domain::query_slots{}));
  BOOST_REQUIRE(work.size() == 7u);
  BOOST_TEST(work[0].kind == db::outbox_kind::chatwoot_message);
  BOOST_TEST(payload_of(work[0]).at("options").as_array().size() == 2u);
  BOOST_TEST(payload_of(work[0]).at("conversation_id").as_int64() == 42);
  BOOST_TEST(payload_of(work[1]).at("private").as_bool());
  BOOST_TEST(work[2].kind == db::outbox_kind::chatwoot_labels);
  BOOST_TEST(payload_of(work[2]).contains("add"));
  BOOST_TEST(payload_of(work[3]).contains("remove"));
  BOOST_TEST(work[4].kind == db::outbox_kind::chatwoot_contact);
  BOOST_TEST(payload_of(work[4]).at("contact_id").as_int64() == 55);
  BOOST_TEST(work[5].kind == db::outbox_kind::chatwoot_status);
  BOOST_TEST(payload_of(work[5]).at("status").as_string() == "open");
  BOOST_TEST(work[6].kind == db::outbox_kind::chatwoot_message);
  BOOST_TEST(payload_of(work[6]).at("template").as_bool());
  // What the student sees keeps its order; the side calls have their own lane, so that one
  // Chatwoot refuses or delays cannot hold a message back.
  for (std::size_t i : {0u, 6u}) BOOST_TEST((work[i].lane == db::outbox_lane::student_sees), i);
  for (std::size_t i : {1u, 2u, 3u, 4u, 5u}) BOOST_TEST((work[i].lane == db::outbox_lane::side_call), i);
}

BOOST_AUTO_TEST_CASE(a_long_text_is_split_for_whatsapp_and_attributes_without_a_contact_are_dropped) {
  std::vector<db::outbox_work> work;
  actors::append_outbox_work(work, 42, std::nullopt, domain::send_text{std::string(5000, 'a'), {}});
  actors::append_outbox_work(work, 42, std::nullopt, domain::set_contact_attributes{{{"level", "havo 4"}}});
  BOOST_REQUIRE(work.size() == 2u);
  for (const auto& w : work) {
    BOOST_TEST(w.kind == db::outbox_kind::chatwoot_message);
    BOOST_TEST(payload_of(w).at("content").as_string().size() <= 4096u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
