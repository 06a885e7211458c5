#pragma once
// Strong value types shared by every room: money in cents, and ids that cannot be
// swapped for one another by accident.

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>

namespace tutorbot::domain {

// An amount of money in the smallest unit of its currency (euro cents). Never a double:
// VAT and discounts are computed in integers and rounded once, where the rule says so.
struct cents {
  std::int64_t value = 0;

  friend constexpr auto operator<=>(cents, cents) = default;
  friend constexpr cents operator+(cents a, cents b) { return {a.value + b.value}; }
  friend constexpr cents operator-(cents a, cents b) { return {a.value - b.value}; }
  friend constexpr cents operator-(cents a) { return {-a.value}; }
  constexpr cents& operator+=(cents b) { value += b.value; return *this; }
  constexpr cents& operator-=(cents b) { value -= b.value; return *this; }
};

// "45.00", "-3.05": for logs and texts; the currency symbol is the caller's business.
std::string to_string(cents amount);
std::ostream& operator<<(std::ostream& os, cents amount);

// An id that only compares with ids of the same Tag.
template <class Tag, class T = std::string>
struct strong_id {
  T value{};

  strong_id() = default;
  explicit strong_id(T v) : value(std::move(v)) {}

  friend auto operator<=>(const strong_id&, const strong_id&) = default;
  friend bool operator==(const strong_id&, const strong_id&) = default;
  friend std::ostream& operator<<(std::ostream& os, const strong_id& id) { return os << id.value; }
};

using tutor_id = strong_id<struct tutor_id_tag>;           // "anouk", from calendar_config.yaml
using product_id = strong_id<struct product_id_tag>;       // "lesson-60", from payment_config.yaml
using booking_id = strong_id<struct booking_id_tag>;             // a uuid, made by PostgreSQL
using conversation_id = strong_id<struct conversation_id_tag, std::int64_t>;  // Chatwoot's

}  // namespace tutorbot::domain

template <class Tag, class T>
struct std::hash<tutorbot::domain::strong_id<Tag, T>> {
  std::size_t operator()(const tutorbot::domain::strong_id<Tag, T>& id) const noexcept {
    return std::hash<T>{}(id.value);
  }
};
