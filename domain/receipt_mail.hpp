#pragma once
// The receipt a payer is e-mailed once the school has their money (issue 16): what was paid
// for, line by line, the total and the VAT in it, in the order's language.
#include <chrono>
#include <string>
#include <vector>

#include <date/tz.h>

#include "domain/booking_mail.hpp"

namespace tutorbot::domain {

struct receipt_line {
  std::string description;
  int quantity = 1;
  cents amount{0};  // VAT included
};

struct receipt {
  std::string reference;  // the order's id: what the school finds the payment by
  std::vector<receipt_line> lines;
  cents total{0};
  cents vat{0};  // contained in total
  std::chrono::sys_seconds paid_at{};
  std::string payer_name;  // empty when not known
  language lang = language::nl;
};

mail_text receipt_mail_for(const receipt& r, const std::string& school_name, const date::time_zone* zone);

}  // namespace tutorbot::domain
