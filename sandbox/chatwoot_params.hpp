#pragma once
// Request parameters read as Chatwoot's Rails controllers read them (params, String#to_i,
// ActiveModel's booleans) and the formats its models validate (Devise's e-mail, E.164).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace tutorbot::sandbox::chatwoot {

// A scalar parameter as Rails' params hands it over: strings as they are, numbers and
// booleans as their text; nullopt for null, objects, arrays and absence.
std::optional<std::string> text_param(const boost::json::object& params, std::string_view key);
// Absent, or only blanks (Object#blank?).
bool blank(const std::optional<std::string>& text);
// ActiveModel::Type::Boolean: blank is nil (false here), FALSE_VALUES false, the rest true.
bool rails_boolean(const boost::json::object& params, std::string_view key);
// String#to_i: leading digits after optional blanks and sign, else 0.
std::int64_t rails_to_i(const std::string& text);
std::string lower_trimmed(std::string text);
// Devise.email_regexp: /\A[^@\s]+@[^@\s]+\z/.
bool valid_email(const std::string& email);
// Contact's phone_number format: /\+[1-9]\d{1,14}\z/.
bool valid_e164(const std::string& phone);

}  // namespace tutorbot::sandbox::chatwoot
