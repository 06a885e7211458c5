#pragma once
// The parameters of one Stripe API request. Stripe nests them in form keys
// (`line_items[0][price_data][currency]=eur`, `payment_method_types[]=card`,
// `metadata[order_id]=42`); decode_params turns those into a tree of JSON objects, arrays
// and strings (values stay strings, as on the wire), and `params` reads that tree the way
// Stripe validates it, naming the offending parameter in every refusal.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "net/form.hpp"
#include "sandbox/stripe_protocol.hpp"

namespace tutorbot::sandbox::stripe {

// {"line_items":{"0":{"price_data":{"currency":"eur"}}}, "payment_method_types":["card"]}.
// Indexed items stay an object with digit keys until a reader asks for a list. A key used
// both as a value and as a hash (`metadata=x&metadata[a]=b`) is refused like Stripe does.
std::variant<boost::json::object, api_error> decode_params(const net::form_fields& fields);

// Thrown by the readers below and caught where a request's validation starts, which
// answers it as a value: a Checkout Session has dozens of parameters, each of which can be
// refused, and threading a result through every read would bury the rules.
struct param_error {
  api_error error;
};

class params {
 public:
  explicit params(const boost::json::object& object, std::string prefix = {})
      : object_(&object), prefix_(std::move(prefix)) {}

  const boost::json::object& object() const { return *object_; }
  std::string name(std::string_view key) const;  // "line_items[0][quantity]"
  bool has(std::string_view key) const;          // present and not the empty string

  // Refuses the first key not among `known` with parameter_unknown.
  void only(std::initializer_list<std::string_view> known) const;

  // Absent or "" (Stripe's way of unsetting) read as nullopt; a hash where a string is
  // expected is refused.
  std::optional<std::string> text(std::string_view key) const;
  std::string required_text(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key) const;
  std::int64_t required_integer(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;

  std::optional<params> child(std::string_view key) const;  // a nested hash
  params required_child(std::string_view key) const;
  // The items of a list parameter (`key[]=` or `key[0]=`, `key[1]=` …) in index order.
  std::vector<params> child_list(std::string_view key) const;
  std::vector<std::string> text_list(std::string_view key) const;

  // Stripe's metadata: at most 50 keys of ≤ 40 characters, values ≤ 500; "" values unset.
  boost::json::object metadata(std::string_view key) const;
  // The expand[] list (dotted paths).
  std::vector<std::string> expand() const { return text_list("expand"); }

 private:
  const boost::json::value* find(std::string_view key) const;
  // The items of a list value with their printed index.
  std::vector<std::pair<std::string, const boost::json::value*>> items(std::string_view key) const;

  const boost::json::object* object_;
  std::string prefix_;
};

// Parses a whole decimal number; nullopt for anything else (signs: '-' only).
std::optional<std::int64_t> parse_integer(std::string_view text);

}  // namespace tutorbot::sandbox::stripe
