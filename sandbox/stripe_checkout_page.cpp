#include "sandbox/stripe_checkout_page.hpp"

#include "domain/html_text.hpp"
#include "net/json_fields.hpp"
#include "sandbox/stripe_protocol.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

namespace {

const char* style = R"(<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1f36}
h1{font-size:1.2rem}.total{font-size:2rem;font-weight:600;margin:.5rem 0 1.5rem}
table{width:100%;border-collapse:collapse;margin-bottom:1.5rem}td{padding:.4rem 0;border-bottom:1px solid #e3e8ee}
td.n{text-align:right}.notice{background:#fde8e8;padding:.6rem;border-radius:4px}
form{display:inline-block;margin:0 .5rem .5rem 0}button{font-size:1rem;padding:.5rem 1.2rem;border-radius:4px;
border:1px solid #635bff;background:#635bff;color:#fff;cursor:pointer}button.alt{background:#fff;color:#635bff}
.muted{color:#697386;font-size:.9rem}</style>)";

std::string page(std::string_view title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + domain::escape_html(title) +
         "</title><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">" + style +
         "</head><body>\n" + body + "\n<p class=\"muted\">tutorbot sandbox — no real payment is made.</p></body></html>\n";
}

std::string button(const std::string& action, std::string_view label, const std::string& extra, bool alt) {
  return "<form method=\"post\" action=\"" + domain::escape_html(action) + "\">" + extra + "<button type=\"submit\"" +
         (alt ? " class=\"alt\"" : "") + ">" + domain::escape_html(label) + "</button></form>\n";
}

}  // namespace

std::string success_redirect(const json::object& session) {
  std::string url = net::string_at(session, "success_url");
  const std::string marker = "{CHECKOUT_SESSION_ID}";
  for (auto pos = url.find(marker); pos != std::string::npos; pos = url.find(marker, pos))
    url.replace(pos, marker.size(), net::string_at(session, "id"));
  return url;
}

std::string checkout_page_html(const json::object& session, const json::array& line_items, std::string_view notice) {
  const std::string id = net::string_at(session, "id");
  const std::string currency = net::string_at(session, "currency");
  const std::string status = net::string_at(session, "status");
  std::string body = "<h1>Pay tutorbot sandbox</h1>\n<div class=\"total\">" +
                     domain::escape_html(format_amount(session.at("amount_total").as_int64(), currency)) + "</div>\n<table>\n";
  for (const auto& value : line_items) {
    const auto& item = value.as_object();
    body += "<tr><td>" + domain::escape_html(net::string_at(item, "description")) + "</td><td class=\"n\">× " +
            std::to_string(item.at("quantity").as_int64()) + "</td><td class=\"n\">" +
            domain::escape_html(format_amount(item.at("amount_total").as_int64(), currency)) + "</td></tr>\n";
  }
  body += "</table>\n";
  if (const auto email = net::string_at(session, "customer_email"); !email.empty())
    body += "<p class=\"muted\">" + domain::escape_html(email) + "</p>\n";
  if (!notice.empty()) body += "<p class=\"notice\">" + domain::escape_html(notice) + "</p>\n";

  const std::string base = "/checkout/" + id;
  if (status == "open") {
    std::string choose;
    const auto& methods = session.at("payment_method_types").as_array();
    if (methods.size() > 1) {
      choose = "<select name=\"payment_method_type\">";
      for (const auto& m : methods) {
        const auto name = domain::escape_html(std::string(m.as_string()));
        choose += "<option value=\"" + name + "\">" + name + "</option>";
      }
      choose += "</select> ";
    }
    body += button(base + "/pay", "Pay", choose, false);
    body += button(base + "/fail", "Fail (card declined)", "", true);
    body += button(base + "/expire", "Expire", "", true);
    if (const auto cancel = net::string_at(session, "cancel_url"); !cancel.empty())
      body += "<p><a href=\"" + domain::escape_html(cancel) + "\">← Back</a></p>\n";
  } else if (status == "complete") {
    body += "<p><strong>Paid.</strong> Payment received, thank you.</p>\n";
    if (const auto back = success_redirect(session); !back.empty())
      body += "<p><a href=\"" + domain::escape_html(back) + "\">Continue</a></p>\n";
  } else {
    body += "<p><strong>This checkout session has expired.</strong> Ask for a new payment link.</p>\n";
    if (const auto cancel = net::string_at(session, "cancel_url"); !cancel.empty())
      body += "<p><a href=\"" + domain::escape_html(cancel) + "\">← Back</a></p>\n";
  }
  return page("Checkout " + id, body);
}

std::string checkout_error_html(int status, std::string_view message) {
  return page("Checkout", "<h1>Checkout (" + std::to_string(status) + ")</h1>\n<p class=\"notice\">" +
                              domain::escape_html(message) + "</p>\n");
}

}  // namespace tutorbot::sandbox::stripe
