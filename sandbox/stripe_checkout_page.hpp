#pragma once
// The sandbox's stand-in for Stripe's hosted Checkout page: what a student sees behind the
// payment link, with buttons that stand for the outcomes a real payment can have.
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace tutorbot::sandbox::stripe {

// The page for a session in any state: open (Pay / Fail / Expire forms posting to
// /checkout/{id}/pay|fail|expire), complete or expired (with the way back to the shop).
// `notice` is a line above the buttons ("Your card was declined."), HTML-escaped here.
std::string checkout_page_html(const boost::json::object& session, const boost::json::array& line_items,
                               std::string_view notice);

// A short page for a refused action (unknown or no longer open session).
std::string checkout_error_html(int status, std::string_view message);

// success_url with Stripe's {CHECKOUT_SESSION_ID} template filled in; "" when none.
std::string success_redirect(const boost::json::object& session);

}  // namespace tutorbot::sandbox::stripe
