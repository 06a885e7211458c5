#include "domain/receipt_mail.hpp"

#include "domain/local_format.hpp"
#include "domain/texts.hpp"

namespace tutorbot::domain {

mail_text receipt_mail_for(const receipt& r, const std::string& school_name, const date::time_zone* zone) {
  const language lang = r.lang;
  const std::string total = format_money(lang, r.total);
  std::vector<std::string> paragraphs;
  paragraphs.push_back(r.payer_name.empty() ? render_text(lang, msg::mail_greeting_unnamed)
                                            : render_text(lang, msg::mail_greeting, {{"name", r.payer_name}}));
  paragraphs.push_back(
      render_text(lang, msg::mail_receipt, {{"total", total}, {"date", format_date_long(lang, r.paid_at, zone)}}));
  std::string lines;
  for (const auto& l : r.lines) {
    if (!lines.empty()) lines += "\n";
    lines += render_text(lang, msg::mail_receipt_line,
                         {{"quantity", std::to_string(l.quantity)}, {"description", l.description},
                          {"amount", format_money(lang, l.amount)}});
  }
  lines += "\n" + render_text(lang, msg::mail_receipt_total, {{"total", total}});
  if (r.vat.value > 0) lines += "\n" + render_text(lang, msg::mail_receipt_vat, {{"vat", format_money(lang, r.vat)}});
  paragraphs.push_back(std::move(lines));
  paragraphs.push_back(render_text(lang, msg::mail_receipt_note, {{"reference", r.reference}}));
  paragraphs.push_back(render_text(lang, msg::mail_closing, {{"school", school_name}}));
  return mail_of_paragraphs(render_text(lang, msg::mail_receipt_subject, {{"school", school_name}, {"total", total}}),
                            paragraphs);
}

}  // namespace tutorbot::domain
