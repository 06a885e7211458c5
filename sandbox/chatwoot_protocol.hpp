#pragma once
// Chatwoot's wire conventions shared by the sandbox's API, knobs and webhooks: its error
// bodies (Rails' render_unauthorized / render_not_found_error / render_could_not_create_error
// / render_record_invalid, and devise_token_auth's sign-in answer), JSON answers, and the
// time formats Rails puts in its JSON.
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "net/http_message.hpp"

namespace tutorbot::sandbox::chatwoot {

using instant = std::chrono::sys_time<std::chrono::milliseconds>;

struct api_error {
  int status = 400;
  boost::json::object body;
};

// 401 {"error": message}: "Invalid Access Token", "Access to this endpoint is not
// authorized for bots" (AccessTokenAuthHelper).
api_error unauthorized(std::string_view message);
// 401 {"errors": ["You need to sign in or sign up before continuing."]}: no
// api_access_token header at all, so devise_token_auth answers instead.
api_error sign_in_required();
// 404 {"error": "Resource could not be found"}: any ActiveRecord::RecordNotFound.
api_error not_found();
// 422 {"error": message}: what messages#create answers for any failure.
api_error could_not_create(std::string_view message);
// 422 {"message": "Email is invalid, …", "attributes": ["email", …]}: a failed save!.
api_error record_invalid(const std::vector<std::string>& messages, const std::vector<std::string>& attributes);

net::server_response error_response(const api_error& error);
net::server_response json_response(int status, const boost::json::value& body);

// Rails' JSON for a time: "2021-07-23T18:02:48.123Z".
std::string iso_millis(instant t);
std::int64_t unix_seconds(instant t);
// updated_at.to_f: seconds with the milliseconds as fraction.
double unix_float(instant t);

// A random version-4 UUID in canonical form (X-Chatwoot-Delivery, conversation uuid).
std::string new_uuid(std::mt19937_64& random);
// A WhatsApp Cloud message id as Chatwoot stores it in source_id ("wamid.HBgL…").
std::string new_wamid(std::mt19937_64& random);

}  // namespace tutorbot::sandbox::chatwoot
