#pragma once
// Plain HTTP calls to the Chatwoot sandbox as a Chatwoot client makes them (JSON bodies,
// the api_access_token header), answers parsed as JSON: for tests that check the wire
// protocol itself rather than tutorbot's client. Also the sandbox's own /sandbox/chatwoot
// routes, which take no token.
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace tutorbot::testing {

struct chatwoot_answer {
  int status = 0;
  boost::json::value body;  // null when the body is not JSON
  std::string text;
  std::string headers_text;
  std::string header(const std::string& name) const;
};

class chatwoot_api {
 public:
  // `token` "" sends no api_access_token header at all.
  chatwoot_api(unsigned short port, std::int64_t account_id, std::string token)
      : port_(port), account_(account_id), token_(std::move(token)) {}

  chatwoot_api with_token(std::string token) const { return {port_, account_, std::move(token)}; }
  chatwoot_api with_account(std::int64_t account_id) const { return {port_, account_id, token_}; }

  // `path` below /api/v1/accounts/{account_id}, e.g. "/conversations/1/messages".
  chatwoot_answer get(const std::string& path) const;
  chatwoot_answer post(const std::string& path, const boost::json::value& body) const;
  chatwoot_answer put(const std::string& path, const boost::json::value& body) const;
  // /sandbox/chatwoot/… (no token); a null body sends none.
  chatwoot_answer control(const std::string& method, const std::string& path,
                          const boost::json::value& body = nullptr) const;
  // Any request, nothing added but Host and Connection.
  chatwoot_answer raw(const std::string& method, const std::string& target, const std::string& body,
                      const std::string& headers) const;

  // Conveniences that fail the test (throw) when the call does not answer 2xx.
  // A student with that phone writes first: the new conversation's id.
  std::int64_t open_conversation(const std::string& phone = "+31612345678",
                                 const std::string& name = "Sanne de Vries") const;
  // The student writes `content`; the message's id.
  std::int64_t student_writes(std::int64_t conversation_id, const std::string& content) const;

 private:
  std::string account_path(const std::string& path) const;
  chatwoot_answer with_body(const std::string& method, const std::string& target, const boost::json::value& body,
                            bool token) const;

  unsigned short port_;
  std::int64_t account_;
  std::string token_;
};

}  // namespace tutorbot::testing
