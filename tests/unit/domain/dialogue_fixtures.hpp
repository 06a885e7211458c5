#pragma once
// The sample school (config/payment_config.yaml and two tutors of calendar_config.yaml)
// as values, for the dialogue tests and the golden transcripts. unit_domain links only
// tutorbot_domain, so this does not go through the config loader.

#include <chrono>
#include <string>

#include <date/tz.h>

#include "domain/dialogue.hpp"
#include "tests/unit/domain/amsterdam.hpp"

namespace tutorbot::domain::test {

inline product make_product(std::string id, product_kind kind, int minutes, int lessons,
                            std::int64_t price, std::string nl, std::string en, vat v = {}) {
  product p;
  p.id = std::move(id);
  p.kind = kind;
  p.duration_minutes = minutes;
  p.lessons = lessons;
  p.price = cents{price};
  p.vat = v;
  p.name_nl = std::move(nl);
  p.name_en = std::move(en);
  return p;
}

inline const payment_catalog& sample_catalog() {
  static const payment_catalog catalog = [] {
    payment_catalog c;
    c.currency = "EUR";
    c.hold = std::chrono::minutes{20};
    c.trial_once_per_student = true;
    c.weekend_discount.percent = 10;
    c.cancellation.tiers = {{std::chrono::hours{24}, 100}, {std::chrono::hours{12}, 50}};
    c.cancellation.credit_instead_of_refund_allowed = true;
    c.products = {
        make_product("trial-30", product_kind::trial, 30, 1, 0, "Gratis proefles (30 min)", "Free trial lesson (30 min)"),
        make_product("lesson-60", product_kind::lesson, 60, 1, 4500, "Bijles 60 minuten", "Tutoring lesson, 60 minutes"),
        make_product("lesson-90", product_kind::lesson, 90, 1, 6500, "Bijles 90 minuten", "Tutoring lesson, 90 minutes"),
        make_product("package-2x60", product_kind::package, 60, 2, 8500, "Pakket 2 lessen van 60 minuten",
                     "Package of 2 lessons, 60 minutes each"),
        make_product("package-4x60", product_kind::package, 60, 4, 16500, "Pakket 4 lessen van 60 minuten",
                     "Package of 4 lessons, 60 minutes each"),
        make_product("coaching-60", product_kind::lesson, 60, 1, 5445, "Studiecoaching 60 minuten",
                     "Study coaching, 60 minutes", vat{false, 2100}),
    };
    return c;
  }();
  return catalog;
}

inline std::vector<tutor_info> sample_tutors() {
  return {{tutor_id{"anouk"}, "Anouk de Vries", {30, 60, 90}},
          {tutor_id{"daan"}, "Daan Jansen", {30, 60, 90}}};
}


// 2026-03-09 is a Monday.
inline dialogue_context sample_context(std::chrono::sys_seconds now) {
  dialogue_context c;
  c.now = now;
  c.zone = amsterdam();
  c.catalog = &sample_catalog();
  c.tutors = sample_tutors();
  return c;
}

inline std::chrono::sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi};
}

}  // namespace tutorbot::domain::test
