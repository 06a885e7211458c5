#pragma once
// Text placed into HTML (an e-mail's HTML part, the sandbox's pages): the five characters that
// HTML gives meaning to, escaped.
#include <string>
#include <string_view>

namespace tutorbot::domain {

std::string escape_html(std::string_view text);

}  // namespace tutorbot::domain
