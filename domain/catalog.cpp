#include "domain/catalog.hpp"

#include <algorithm>

namespace tutorbot::domain {

std::string_view to_string(product_kind k) {
  switch (k) {
    case product_kind::lesson: return "lesson";
    case product_kind::package: return "package";
    case product_kind::trial: return "trial";
  }
  return "lesson";
}

std::optional<product_kind> parse_product_kind(std::string_view text) {
  for (auto k : {product_kind::lesson, product_kind::package, product_kind::trial})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

int cancellation_policy::refund_percent_for(std::chrono::minutes notice) const {
  for (const auto& tier : tiers)
    if (notice >= tier.min_notice) return tier.refund_percent;
  return 0;
}

const product* payment_catalog::find_product(std::string_view id) const {
  const auto it =
      std::find_if(products.begin(), products.end(), [&](const product& p) { return p.id == id; });
  return it == products.end() ? nullptr : &*it;
}

const product* payment_catalog::lesson_of(int minutes) const {
  const auto it = std::find_if(products.begin(), products.end(), [&](const product& p) {
    return p.kind == product_kind::lesson && p.duration_minutes == minutes;
  });
  return it == products.end() ? nullptr : &*it;
}

}  // namespace tutorbot::domain
