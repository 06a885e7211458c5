#include "domain/texts.hpp"

#include <cstdint>

namespace tutorbot::domain {

std::string_view text_template(language lang, msg id) {
  const auto& catalog = lang == language::en ? detail::texts_en() : detail::texts_nl();
  return catalog[static_cast<std::size_t>(id)];
}

std::string render_text(language lang, msg id, text_args args) {
  const std::string_view tmpl = text_template(lang, id);
  std::string out;
  out.reserve(tmpl.size() + 32);
  std::size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{') {
      const auto close = tmpl.find('}', i);
      if (close != std::string_view::npos) {
        const auto key = tmpl.substr(i + 1, close - i - 1);
        bool replaced = false;
        for (const auto& [k, v] : args) {
          if (k == key) {
            out += v;
            replaced = true;
            break;
          }
        }
        if (replaced) {
          i = close + 1;
          continue;
        }
      }
    }
    out += tmpl[i++];
  }
  return out;
}

namespace {
bool in_word_list(std::string_view list, std::string_view folded) {
  while (!list.empty()) {
    const auto bar = list.find('|');
    const auto word = list.substr(0, bar);
    if (word == folded) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}
}  // namespace

bool is_word(msg words_entry, std::string_view folded) {
  return in_word_list(text_template(language::nl, words_entry), folded) ||
         in_word_list(text_template(language::en, words_entry), folded);
}

std::string format_money(language lang, cents amount) {
  std::string number = to_string(amount);  // "45.00"
  if (lang == language::en) return "€" + number;
  for (auto& c : number)
    if (c == '.') c = ',';
  return "€ " + number;
}

}  // namespace tutorbot::domain
