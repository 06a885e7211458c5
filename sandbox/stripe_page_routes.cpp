// The stand-in for Stripe's hosted Checkout page. A person clicks Pay / Fail / Expire in a
// browser; tests and `tutorbot chat` post the same forms with `Accept: application/json`
// and get the Checkout Session (or Stripe's error body) back.
#include "net/form.hpp"
#include "sandbox/stripe_checkout_page.hpp"
#include "sandbox/stripe_sandbox_impl.hpp"

namespace tutorbot::sandbox {

namespace json = boost::json;

namespace {

bool wants_json(const net::server_request& request) {
  return request.header("Accept").value_or("").find("application/json") != std::string::npos;
}

net::server_response html(int status, std::string body) {
  return net::server_response::text(status, std::move(body), "text/html; charset=utf-8");
}

}  // namespace

void stripe_sandbox::impl::add_page_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  routes.add("GET", "/checkout/{id}", [self](net::server_request&& request, net::respond_fn respond) {
    const auto& id = request.path_params.at("id");
    std::vector<json::object> events;
    stripe::result session;
    json::array items;
    {
      std::lock_guard lock(self->mutex);
      self->store.expire_due(self->now_locked());  // the page never shows a stale "open"
      events = self->store.take_new_events();
      session = self->store.session(id);
      items = self->store.line_items_of(id);
    }
    self->deliver(std::move(events));
    if (auto* error = std::get_if<stripe::api_error>(&session))
      return self->answer(respond, wants_json(request) ? stripe::error_response(*error)
                                                       : html(error->status, stripe::checkout_error_html(
                                                                                 error->status, error->message)));
    const auto& s = std::get<json::object>(session);
    self->answer(respond, wants_json(request) ? stripe::json_response(200, s)
                                              : html(200, stripe::checkout_page_html(s, items, "")));
  });

  enum class action { pay, fail, expire };
  auto add = [&](const char* suffix, action what) {
    routes.add("POST", std::string("/checkout/{id}/") + suffix,
               [self, what](net::server_request&& request, net::respond_fn respond) {
                 const auto& id = request.path_params.at("id");
                 const auto form = net::parse_form(request.body);
                 const auto* method = net::find_field(form, "payment_method_type");
                 std::vector<json::object> events;
                 stripe::result outcome;
                 json::array items;
                 {
                   std::lock_guard lock(self->mutex);
                   const auto now = self->now_locked();
                   const std::string chosen = method ? *method : std::string{};
                   outcome = what == action::pay    ? self->store.pay(id, chosen, now)
                             : what == action::fail ? self->store.decline(id, chosen, now)
                                                    : self->store.abandon(id, now);
                   events = self->store.take_new_events();
                   items = self->store.line_items_of(id);
                 }
                 self->deliver(std::move(events));
                 if (auto* error = std::get_if<stripe::api_error>(&outcome))
                   return self->answer(respond, wants_json(request)
                                                    ? stripe::error_response(*error)
                                                    : html(error->status, stripe::checkout_error_html(
                                                                              error->status, error->message)));
                 const auto& s = std::get<json::object>(outcome);
                 if (wants_json(request)) return self->answer(respond, stripe::json_response(200, s));
                 const char* notice = what == action::fail
                                          ? "Your card was declined. Try again or use another payment method."
                                          : "";
                 self->answer(respond, html(200, stripe::checkout_page_html(s, items, notice)));
               });
  };
  add("pay", action::pay);
  add("fail", action::fail);
  add("expire", action::expire);
}

}  // namespace tutorbot::sandbox
