#include "domain/pricing.hpp"

#include <algorithm>
#include <stdexcept>

namespace tutorbot::domain {
namespace {

pricing_error fail(pricing_error_code code, std::string message) {
  return pricing_error{code, std::move(message)};
}

quote_line make_line(const product& p, int quantity, cents unit, int discount_percent) {
  quote_line line;
  line.product_id = p.id;
  line.description_nl = p.name_nl;
  line.description_en = p.name_en;
  if (discount_percent > 0) {
    line.description_nl += " (weekendkorting " + std::to_string(discount_percent) + "%)";
    line.description_en += " (weekend discount " + std::to_string(discount_percent) + "%)";
  }
  line.quantity = quantity;
  line.unit_amount = unit;
  line.amount = cents{unit.value * quantity};
  line.vat = p.vat;
  line.vat_amount = vat_included(line.amount, p.vat);
  line.list_unit_amount = p.price;
  line.discount_percent = discount_percent;
  return line;
}

quote finish(const payment_catalog& catalog, std::vector<quote_line> lines) {
  quote q;
  q.currency = catalog.currency;
  for (const auto& line : lines) {
    q.total += line.amount;
    q.vat_total += line.vat_amount;
  }
  q.lines = std::move(lines);
  q.payment_required = q.total > cents{0};
  return q;
}

}  // namespace

std::string_view to_string(pricing_error_code code) {
  switch (code) {
    case pricing_error_code::unknown_product: return "unknown_product";
    case pricing_error_code::trial_already_used: return "trial_already_used";
    case pricing_error_code::credit_not_applicable: return "credit_not_applicable";
    case pricing_error_code::invalid_quantity: return "invalid_quantity";
  }
  return "unknown_product";
}

bool is_local_weekend(std::chrono::sys_seconds t, const date::time_zone* zone) {
  // A missing zone is a wiring bug, not a student's error: guessing UTC would silently
  // misprice Saturday-night lessons.
  if (zone == nullptr) throw std::invalid_argument("is_local_weekend: no time zone given");
  const auto local = date::make_zoned(zone, t).get_local_time();
  const date::weekday wd{date::floor<date::days>(local)};
  return wd == date::Saturday || wd == date::Sunday;
}

cents vat_included(cents amount, const domain::vat& vat) {
  if (vat.exempt || vat.rate_basis_points <= 0 || amount.value <= 0) return cents{0};
  // round(a * r / (10000 + r)) half-up == floor((2 a r + d) / 2d) for a, r >= 0.
  const std::int64_t r = vat.rate_basis_points;
  const std::int64_t d = 10000 + r;
  return cents{(2 * amount.value * r + d) / (2 * d)};
}

cents apply_discount(cents price, int percent) {
  if (percent <= 0 || price.value <= 0) return price;
  if (percent >= 100) return cents{0};
  const std::int64_t discount = (price.value * percent + 50) / 100;  // half-up on the cent
  return cents{price.value - discount};
}

quote_result quote_booking(const payment_catalog& catalog, const quote_request& request) {
  const product* p = catalog.find_product(request.product_id);
  if (p == nullptr)
    return fail(pricing_error_code::unknown_product,
                "product \"" + request.product_id + "\" is not in the payment catalog");
  if (request.lessons < 1)
    return fail(pricing_error_code::invalid_quantity,
                "lessons must be at least 1, got " + std::to_string(request.lessons));

  switch (p->kind) {
    case product_kind::trial: {
      if (request.lessons != 1)
        return fail(pricing_error_code::invalid_quantity, "a trial is one lesson");
      if (request.paid_from_credit)
        return fail(pricing_error_code::credit_not_applicable, "a trial is not paid from credit");
      if (catalog.trial_once_per_student && request.trial_already_used)
        return fail(pricing_error_code::trial_already_used,
                    "this student already had a trial lesson (one per student)");
      return finish(catalog, {make_line(*p, 1, p->price, 0)});
    }
    case product_kind::package: {
      if (request.lessons != 1)
        return fail(pricing_error_code::invalid_quantity, "a package is bought one at a time");
      if (request.paid_from_credit)
        return fail(pricing_error_code::credit_not_applicable, "a package is not paid from credit");
      return finish(catalog, {make_line(*p, 1, p->price, 0)});
    }
    case product_kind::lesson: break;
  }

  if (request.paid_from_credit) {
    quote_line line = make_line(*p, request.lessons, cents{0}, 0);
    const auto n = std::to_string(request.lessons);
    const bool one = request.lessons == 1;
    line.description_nl += " (betaald met " + n + (one ? " lestegoed)" : " lestegoeden)");
    line.description_en += " (paid with " + n + (one ? " lesson credit)" : " lesson credits)");
    line.credits_used = request.lessons;
    return finish(catalog, {std::move(line)});
  }

  const int percent = catalog.weekend_discount.percent > 0 &&
                              is_local_weekend(request.lesson_start, request.zone)
                          ? catalog.weekend_discount.percent
                          : 0;
  return finish(catalog, {make_line(*p, request.lessons, apply_discount(p->price, percent), percent)});
}

quote_result quote_series(const payment_catalog& catalog, const std::string& lesson_product_id,
                          const std::vector<std::chrono::sys_seconds>& starts, const date::time_zone* zone) {
  const product* lesson = catalog.find_product(lesson_product_id);
  if (lesson == nullptr || lesson->kind != product_kind::lesson)
    return fail(pricing_error_code::unknown_product,
                "\"" + lesson_product_id + "\" is not a lesson in the payment catalog");
  if (starts.empty()) return fail(pricing_error_code::invalid_quantity, "a series has at least one lesson");
  if (zone == nullptr) throw std::invalid_argument("quote_series: no time zone given");
  const int count = static_cast<int>(starts.size());
  for (const auto& p : catalog.products)
    if (p.kind == product_kind::package && p.lessons == count && p.duration_minutes == lesson->duration_minutes)
      return finish(catalog, {make_line(p, 1, p.price, 0)});
  std::vector<quote_line> lines;
  for (const auto start : starts) {
    const int percent =
        catalog.weekend_discount.percent > 0 && is_local_weekend(start, zone) ? catalog.weekend_discount.percent : 0;
    auto line = make_line(*lesson, 1, apply_discount(lesson->price, percent), percent);
    const auto when = " " + date::format("%d-%m-%Y %H:%M", date::make_zoned(zone, start).get_local_time());
    line.description_nl += when;
    line.description_en += when;
    lines.push_back(std::move(line));
  }
  return finish(catalog, std::move(lines));
}

std::vector<cents> series_lesson_shares(const quote& q, std::size_t lessons) {
  std::vector<cents> shares;
  if (lessons == 0) return shares;
  if (q.lines.size() == lessons) {
    for (const auto& line : q.lines) shares.push_back(line.amount);
    return shares;
  }
  const auto n = static_cast<std::int64_t>(lessons);
  for (std::int64_t i = 0; i < n; ++i)
    shares.push_back(cents{q.total.value / n + (i < q.total.value % n ? 1 : 0)});
  return shares;
}

refund refund_for(const cancellation_policy& policy, cents paid,
                  std::chrono::sys_seconds lesson_start, std::chrono::sys_seconds now) {
  const auto notice = lesson_start - now;
  // Longest tier met, whatever order the tiers were given in.
  const refund_tier* best = nullptr;
  for (const auto& tier : policy.tiers)
    if (notice >= tier.min_notice && (best == nullptr || tier.min_notice > best->min_notice))
      best = &tier;
  if (best == nullptr || paid.value <= 0) return refund{cents{0}, best ? best->refund_percent : 0,
                                                        best ? std::optional{best->min_notice} : std::nullopt};
  const int percent = std::clamp(best->refund_percent, 0, 100);
  return refund{cents{paid.value * percent / 100}, percent, best->min_notice};
}

}  // namespace tutorbot::domain
