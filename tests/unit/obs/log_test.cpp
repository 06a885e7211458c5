// One JSON object per log line: what a log shipper reads, whatever the fields hold.
#include <string>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "domain/instant.hpp"
#include "obs/log.hpp"

using namespace tutorbot;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(log_line)

BOOST_AUTO_TEST_CASE(a_line_is_one_json_object_with_time_level_event_and_typed_fields) {
  const auto text = obs::format_log_line(obs::log_level::warn, "outbox_retry",
                                         {{"id", 2062}, {"kind", "chatwoot.message"}, {"retry_in_s", 1.5},
                                          {"fenced", false}, {"size", std::size_t{3}}});
  BOOST_TEST(text.find('\n') == std::string::npos);
  const auto o = json::parse(text).as_object();
  BOOST_TEST(o.at("level").as_string() == "warn");
  BOOST_TEST(o.at("event").as_string() == "outbox_retry");
  BOOST_TEST(o.at("id").as_int64() == 2062);
  BOOST_TEST(o.at("kind").as_string() == "chatwoot.message");
  BOOST_TEST(o.at("retry_in_s").as_double() == 1.5);
  BOOST_TEST(o.at("fenced").as_bool() == false);
  BOOST_TEST(o.at("size").as_int64() == 3);
  // UTC with milliseconds: 2026-12-07T01:55:12.345Z
  const std::string ts(o.at("ts").as_string());
  BOOST_TEST(ts.size() == 24u);
  BOOST_TEST(ts.back() == 'Z');
  BOOST_TEST(domain::parse_rfc3339(ts.substr(0, 19) + "Z").has_value());
}

BOOST_AUTO_TEST_CASE(quotes_line_breaks_and_control_characters_in_a_field_stay_inside_the_line) {
  const std::string hostile = "\"}\n{\"level\":\"error\",\"event\":\"forged\"\x01\t";
  const auto text = obs::format_log_line(obs::log_level::info, "message_received", {{"content", hostile}});
  BOOST_TEST(text.find('\n') == std::string::npos);
  const auto o = json::parse(text).as_object();
  BOOST_TEST(o.at("content").as_string() == hostile);
  BOOST_TEST(o.at("event").as_string() == "message_received");
  BOOST_TEST(o.size() == 4u);
}

BOOST_AUTO_TEST_CASE(levels_read_from_configuration_and_filter_below_the_threshold) {
  for (auto level : {obs::log_level::debug, obs::log_level::info, obs::log_level::warn, obs::log_level::error})
    BOOST_TEST((obs::parse_log_level(obs::to_string(level)) == level));
  BOOST_TEST(!obs::parse_log_level("verbose").has_value());
  BOOST_TEST(!obs::parse_log_level("WARN").has_value());

  obs::set_log_level(obs::log_level::warn);
  BOOST_TEST(!obs::log_enabled(obs::log_level::info));
  BOOST_TEST(obs::log_enabled(obs::log_level::warn));
  BOOST_TEST(obs::log_enabled(obs::log_level::error));
  obs::set_log_level(obs::log_level::info);
  BOOST_TEST(obs::log_enabled(obs::log_level::info));
  BOOST_TEST(!obs::log_enabled(obs::log_level::debug));
}

BOOST_AUTO_TEST_SUITE_END()
